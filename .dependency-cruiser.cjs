/**
 * Import boundaries of src/, checked by `npm run lint` (`depcruise src`).
 *
 * Each folder of src/ is one area: a feature (alert, monthly-report, validity-check, mail, jobs, ...) or shared
 * infrastructure (common, config, database, storage, kinto, health, excel, auth). The rules:
 *
 * 1. No import cycle between folders: if `a/` imports `b/`, nothing in `b/` imports `a/`, even through other folders.
 *    Shared types go down to the folder both depend on (common/, database/ for the aggregator's rows).
 * 2. Infrastructure never imports a feature: storage/ and kinto/ know no repository of any feature; each feature
 *    module provides its own repositories with `storeProvider` (storage/store-provider.ts).
 * 3. A folder uses another feature through its public side only: its module (`x.module.ts`), services
 *    (`x.service.ts`), DTOs (`x.dto.ts`), plain types and rules (`x.ts`, `x-type.ts`, `x.rules.ts`), job plumbing
 *    (jobs/job-handler.ts, job.decorator.ts, job-errors.ts, ...). Never its repositories (`*.repository.ts`,
 *    `*.pg.repository.ts`, `*.kinto.repository.ts`) nor its controllers: a feature's storage is its own, and others
 *    ask its service. One exception: `DossierSourceRepository` (dossier-source/dossier-source.repository.ts) is the
 *    read-only port on the aggregator's dossiers, the public interface of DossierSourceModule.
 *    cli/ is, like app.module.ts, where the application is assembled: it may reach any provider.
 *
 * Specs are left out: a test may build another feature's repository on purpose (contract suites, fixtures).
 */
const INFRASTRUCTURE = '(common|config|database|storage|kinto|health|excel|auth)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders of src/ form no import cycle (rule 1).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+' },
      to: { circular: true },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle between files either: Nest resolves the providers of a cycle as undefined.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'infrastructure-knows-no-feature',
      comment: 'Shared infrastructure imports only shared infrastructure (rule 2).',
      severity: 'error',
      from: { path: `^src/${INFRASTRUCTURE}/` },
      to: { path: '^src/', pathNot: `^src/${INFRASTRUCTURE}/` },
    },
    {
      name: 'no-foreign-repository',
      comment: "Another feature's storage is reached through its service, never its repositories (rule 3).",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/cli/' },
      to: {
        path: '^src/[^/]+/.+\\.repository\\.ts$',
        pathNot: ['^src/$1/', '^src/dossier-source/dossier-source\\.repository\\.ts$'],
      },
    },
    {
      name: 'no-foreign-controller',
      comment: 'Controllers are declared by their own module; other folders import the module (rule 3).',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+\\.controller\\.ts$', pathNot: '^src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    // Type-only imports count: a cycle of types is still a cycle for the reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
