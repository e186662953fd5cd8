import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { OnJob } from '../jobs/job.decorator';
import { DsProcedure } from '../config/ds-procedures';
import { ProcedureConfigRow } from '../dossier-source/aggregator-row';
import { JobContext } from '../jobs/job-handler';
import { DsApiClient, DsApiError } from './ds-api.client';
import { DsDossierPage } from './ds-api.types';
import { ImportedDossier, mapDsDossier } from './ds-dossier.mapper';
import { DsImportRepository, toStoredPage } from './ds-import.repository';

/** The `updatedSince` of a first sweep: every dossier, ordered by modification as incremental polling needs. */
const FIRST_SWEEP_SINCE = new Date(0);

/** One `procedure_config` row per unit (group id and type), in the order the units first appear. */
export function procedureConfigRows(procedures: DsProcedure[]): ProcedureConfigRow[] {
  const rows = new Map<string, ProcedureConfigRow>();
  for (const { number, group } of procedures) {
    const key = `${group.id}/${group.type}`;
    const row = rows.get(key) ?? { procedures: [], group: { ...group } };
    row.procedures.push(number);
    rows.set(key, row);
  }
  return [...rows.values()];
}

class DemarcheFailure extends Error {}

/**
 * Imports the dossiers of the configured démarches from the DS GraphQL API into the back office's own
 * `dossier_record`, page by page: each page is stored with the cursor that follows it in one transaction, so a run
 * that stops anywhere is resumed by the next one at the page after the last one stored.
 */
@Injectable()
export class DsImportService {
  constructor(
    private readonly config: AppConfig,
    private readonly client: DsApiClient,
    private readonly repository: DsImportRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Params: `full` (drop the cursors and read every dossier again), `procedure` (only this démarche). Not
   * incremental in the runner's sense: it keeps its own position per démarche (DS cursors). Registered only with
   * SOURCE=ds-api, since its module is loaded only then.
   */
  @OnJob({ name: 'ds-import', schedule: 'dsImport' })
  async run(context: JobContext): Promise<void> {
    if (this.config.source !== 'ds-api') throw new Error('ds-import needs SOURCE=ds-api');
    const all = this.config.dsApi.procedures;
    const only = context.params.procedure;
    const procedures = only === undefined || only === null ? all : all.filter((p) => p.number === Number(only));
    if (procedures.length === 0) throw new Error(`démarche ${String(only)} is not in DS_PROCEDURES`);
    if (await this.repository.replaceProcedureConfig(procedureConfigRows(all))) {
      context.logger.log(`procedure_config updated from DS_PROCEDURES (${all.length} démarches)`);
    }
    context.setTotal(null);
    const failures: string[] = [];
    for (const procedure of procedures) {
      try {
        await this.importDemarche(procedure, context, context.params.full === true);
      } catch (error) {
        if (!(error instanceof DsApiError || error instanceof DemarcheFailure)) throw error;
        // A démarche unknown to DS or outside the token's reach should not hold the others back; anything else (DS
        // down, token refused) would fail for every démarche, after as many retries: stop now.
        if (!/not_found/.test(error.message)) throw error;
        context.logger.error(error.message);
        failures.push(error.message);
      }
    }
    if (failures.length) {
      throw new Error(`${failures.length} of ${procedures.length} démarches failed: ${failures.join('; ')}`);
    }
  }

  private async importDemarche(procedure: DsProcedure, context: JobContext, full: boolean): Promise<void> {
    const number = procedure.number;
    const startedAt = this.clock.now();
    const existing = full ? null : await this.repository.getState(number);
    const state = existing ?? (await this.repository.startSweep(number, FIRST_SWEEP_SINCE));
    const before = { ...context.counts };

    // The next page is fetched while the current one is stored (two pages in memory at most). Its cursor is only
    // saved with it, so the overlap never lets a cursor get ahead of the dossiers stored.
    const fetchPage = (after: string | null) => {
      const page = this.client.dossiersPage(number, state.updatedSince, after);
      page.catch(() => undefined);
      return page;
    };
    let after = state.endCursor;
    let pending: Promise<DsDossierPage> | null = fetchPage(after);
    while (pending) {
      // The page's objects are only referenced during this synchronous step (mapping, JSON text), so that they die
      // young instead of outliving the write of the page: the heap, hence the RSS, stays smaller.
      const { count, hasNextPage, endCursor, stored } = this.preparePage(procedure, await pending, context);
      if (hasNextPage && (endCursor === null || endCursor === after)) {
        throw new DemarcheFailure(`DS API, démarche ${number}: a next page is announced without a new cursor`);
      }
      pending = hasNextPage ? fetchPage(endCursor) : null;
      const written = await this.repository.savePage(number, stored, endCursor, this.clock.now());
      context.read(count);
      context.written(written);
      context.advance(count);
      after = endCursor;
    }

    // Deletions are idempotent: the window starts a margin before the last run, for clock differences with DS.
    const deletedSince = state.deletedSince ? new Date(state.deletedSince.getTime() - this.config.syncOverlapMs) : null;
    let deleted = 0;
    let deletedAfter: string | null = null;
    for (;;) {
      const page = await this.client.deletedPage(number, deletedSince, deletedAfter);
      const keys = page.nodes
        .map((n) => n?.number)
        .filter((n): n is number => typeof n === 'number' && Number.isSafeInteger(n))
        .map((n) => `${number}-${n}`);
      const removed = await this.repository.deleteDossiers(keys);
      deleted += removed;
      context.written(removed);
      const next = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage || next === null || next === deletedAfter) break;
      deletedAfter = next;
    }
    await this.repository.finishRun(number, startedAt, this.clock.now());
    const c = context.counts;
    context.logger.log(
      `démarche ${number}: ${c.read - before.read} read, ${c.written - before.written - deleted} stored, ` +
        `${c.skipped - before.skipped} skipped, ${deleted} deleted`,
    );
  }

  private preparePage(procedure: DsProcedure, page: DsDossierPage, context: JobContext) {
    const dossiers: ImportedDossier[] = [];
    for (const node of page.nodes) {
      const mapped = mapDsDossier(node, procedure);
      if ('dossier' in mapped) dossiers.push(mapped.dossier);
      else context.skip(`${procedure.number}-${mapped.dossierNumber ?? '?'}`, mapped.error);
    }
    return { count: page.nodes.length, ...page.pageInfo, stored: toStoredPage(dossiers) };
  }
}
