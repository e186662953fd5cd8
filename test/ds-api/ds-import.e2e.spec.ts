import { Logger, LoggerService } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/database/database';
import { Pause } from '../../src/ds-import/pause';
import { JobRun } from '../../src/jobs/job-run';
import { JobRunner } from '../../src/jobs/job-runner.service';
import { createTestApp, TestApp } from '../helpers/app';
import { dossierRow, RowOptions } from '../helpers/dossier-row';
import { createTestDatabase, TestDatabase } from '../helpers/postgres';
import { FakeDsServer, SeenRequest } from './fake-ds-server';
import { toFakeDossier } from './v1-to-v2';

const NOW = new Date('2021-03-01T09:00:00Z');
const TOKEN = 'ds-token-7c1e5a9b3f';
const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { id: '75', label: '75 - Paris', type: 'introduction' as const };
const A = 14131;
const B = 13760;
const INTRO = 33588;

class RecordingPause extends Pause {
  waits: number[] = [];
  wait(ms: number): Promise<void> {
    this.waits.push(ms);
    return Promise.resolve();
  }
}

/** Every log line of the file, whatever its level, to check that the token never shows. */
class CapturingLogger implements LoggerService {
  lines: string[] = [];
  log = (...args: unknown[]) => void this.lines.push(args.map(String).join(' '));
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
  fatal = this.log;
}

const minutes = (n: number) => new Date(Date.UTC(2021, 1, 1, 8, 0, 0) + n * 60_000).toISOString();

/** A dossier of démarche `demarche` modified at minute `minute` of February 2021. */
function dossier(demarche: number, number: number, minute: number, o: Partial<RowOptions> = {}) {
  const group = demarche === INTRO ? PARIS_INTRODUCTION : PARIS;
  return toFakeDossier(
    dossierRow({ procedureId: demarche, dossierId: number, group, lastModified: minutes(minute), ...o }),
  );
}

const dossierRequests = (ds: FakeDsServer, demarche: number, from = 0): SeenRequest[] =>
  ds.requests
    .slice(from)
    .filter((r) => r.operationName === 'getDemarcheDossiers' && r.variables.demarcheNumber === demarche);

describe('ds-import: dossiers from the DS GraphQL API (real GraphQL server on loopback, PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: FakeDsServer;
  let t: TestApp;
  const pause = new RecordingPause();
  const logs = new CapturingLogger();

  const run = (params: Record<string, unknown> = {}, full = false): Promise<JobRun> =>
    t.app.get(JobRunner).runToEnd('ds-import', { trigger: 'cli', full, params });
  const rows = async () =>
    (
      await queryRows<{
        ds_key: string;
        state: string;
        last_modified: Date;
        processed_at: Date | null;
        created_at: Date;
        procedure_id: number;
        ds_data: Record<string, unknown>;
        metadata: Record<string, unknown>;
      }>(t.databases.main, sql`SELECT * FROM dossier_record ORDER BY ds_key`)
    ).map((r) => ({
      ...r,
      last_modified: new Date(r.last_modified),
      processed_at: r.processed_at === null ? null : new Date(r.processed_at),
    }));
  const state = async (demarche: number) =>
    (
      await queryRows<{ end_cursor: string | null; updated_since: Date; completed_at: Date | null }>(
        t.databases.main,
        sql`SELECT * FROM ds_import_state WHERE procedure_number = ${demarche}`,
      )
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase('ds_import');
    ds = new FakeDsServer(TOKEN, new Set([A, B, INTRO]));
    await ds.start();
    t = await createTestApp(
      {
        DATABASE_URL: db.url,
        SOURCE: 'ds-api',
        DS_API_URL: ds.url,
        DS_API_TOKEN: TOKEN,
        DS_API_TIMEOUT_SECONDS: '2',
        DS_PROCEDURES: JSON.stringify([
          { number: A, group: { id: '75', label: '75 - Paris' }, type: 'autorisation' },
          { number: B, group: { id: '75', label: '75 - Paris' }, type: 'autorisation' },
          { number: INTRO, group: { id: '75', label: '75 - Paris' }, type: 'introduction' },
        ]),
      },
      NOW,
      { overrides: [{ provide: Pause, useValue: pause }] },
    );
    Logger.overrideLogger(logs);
  });

  beforeEach(async () => {
    await t.databases.main.execute(
      sql`TRUNCATE dossier_record, procedure_config, ds_import_state, job_run, synchro_history`,
    );
    t.clock.set(NOW);
    ds.demarches.add(B);
    ds.clear();
    pause.waits = [];
  });

  afterAll(async () => {
    Logger.overrideLogger(false);
    await t?.close();
    await ds?.stop();
    await db?.drop();
  });

  it('stores every page of every démarche in the aggregator layout, v1 ds_data rebuilt', async () => {
    for (let i = 0; i < 250; i++) ds.put(dossier(A, 1000 + i, i));
    ds.put(
      dossier(INTRO, 5001, 10, {
        state: 'received',
        processedAt: null,
        instructeurs: ['claire.martin@dreets.gouv.fr'],
        messages: [{ email: 'rh@exemple.fr', createdAt: '2021-02-03T10:00:00.250Z' }],
      }),
    );

    const result = await run();

    expect(result).toMatchObject({ status: 'succeeded', read: 251, written: 251, skipped: 0, error: null });
    const stored = await rows();
    expect(stored).toHaveLength(251);
    const first = stored.find((r) => r.ds_key === `${A}-1000`)!;
    expect(first).toMatchObject({ state: 'closed', procedure_id: A, last_modified: NOW });
    expect(first.processed_at).toEqual(new Date('2020-09-17T09:42:33.001Z'));
    expect(first.metadata).toMatchObject({
      state: 'closed',
      procedure_id: A,
      group: PARIS,
      processed_at: Date.parse('2020-09-17T09:42:33.001Z'),
      instructors_history: ['paul.durand@direccte.gouv.fr'],
    });
    const data = first.ds_data as {
      champs: Array<{ value: string | null; type_de_champ: { libelle: string; type_champ: string } }>;
      champs_private: Array<{ value: string | null; type_de_champ: { libelle: string } }>;
    } & Record<string, unknown>;
    expect(data).toMatchObject({
      id: 1000,
      state: 'closed',
      simplified_state: 'Accepté',
      archived: true,
      email: 'rh.recrutement@exemple-sas.fr',
      initiated_at: '2020-09-14T08:31:02.456Z',
      processed_at: '2020-09-17T09:42:33.001Z',
      instructeurs: ['paul.durand@direccte.gouv.fr'],
      etablissement: { siret: '81234567800021' },
    });
    // Dates from DateChamp.date (the API's text is "07 mars 1998"), the nationality from PaysChamp.
    const champ = (label: string) => data.champs.find((c) => c.type_de_champ.libelle === label);
    expect(champ('Date de naissance')).toMatchObject({ value: '1998-03-07', type_de_champ: { type_champ: 'date' } });
    expect(champ('Nationalité')).toMatchObject({ value: 'VIETNAM', type_de_champ: { type_champ: 'pays' } });
    expect(data.champs_private.map((c) => [c.type_de_champ.libelle, c.value])).toEqual([
      ['Date de début APT', '2020-09-21'],
      ['Date de fin APT', '2021-06-30'],
    ]);
    const intro = stored.find((r) => r.ds_key === `${INTRO}-5001`)!;
    expect(intro).toMatchObject({ state: 'received', processed_at: null });
    expect(intro.metadata.group).toEqual(PARIS_INTRODUCTION);
    expect(intro.ds_data.commentaires).toEqual([
      { email: 'rh@exemple.fr', body: '…', created_at: '2021-02-03T10:00:00.250Z', attachment: null },
    ]);

    const configs = await queryRows<{ procedures: number[]; group: unknown }>(
      t.databases.main,
      sql`SELECT procedures, "group" FROM procedure_config ORDER BY procedures[1]`,
    );
    expect(configs).toEqual([
      { procedures: [A, B], group: PARIS },
      { procedures: [INTRO], group: PARIS_INTRODUCTION },
    ]);

    // Three pages of A, with a fixed updatedSince, pages of 100 and the cursor of the page before.
    const pages = dossierRequests(ds, A);
    expect(pages.map((r) => r.variables.first)).toEqual([100, 100, 100]);
    expect(new Set(pages.map((r) => r.variables.updatedSince))).toEqual(new Set(['1970-01-01T00:00:00.000Z']));
    expect(pages[0].variables.after).toBeNull();
    expect(pages[1].variables.after).toEqual(expect.any(String));
    expect(pages[2].variables.after).not.toEqual(pages[1].variables.after);
    for (const r of ds.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.userAgent).toMatch(/^wif-backoffice\/\d+\.\d+\.\d+$/);
    }
    expect(await state(A)).toMatchObject({ end_cursor: expect.any(String), completed_at: '2021-03-01 09:00:00+00' });
    // B has no dossier: no cursor yet, and nothing to fail on.
    expect(await state(B)).toMatchObject({ end_cursor: null, completed_at: '2021-03-01 09:00:00+00' });
  });

  it('reads the last page again when nothing changed, and rewrites nothing', async () => {
    for (let i = 0; i < 150; i++) ds.put(dossier(A, 1000 + i, i));
    await run();
    const cursor = (await state(A)).end_cursor;
    t.clock.set(new Date(NOW.getTime() + 3_600_000));
    const from = ds.requests.length;

    const again = await run();

    expect(again).toMatchObject({ status: 'succeeded', read: 100, written: 0 });
    const pages = dossierRequests(ds, A, from);
    expect(pages.map((r) => r.variables.after)).toEqual([cursor]);
    expect((await rows()).every((r) => r.last_modified.getTime() === NOW.getTime())).toBe(true);
    expect((await state(A)).end_cursor).toBe(cursor);
  });

  it('takes the dossiers modified since the cursor and the deletions, keeping the instructor history', async () => {
    for (let i = 0; i < 120; i++) ds.put(dossier(A, 1000 + i, i));
    await run();
    const later = new Date(NOW.getTime() + 3_600_000);
    t.clock.set(later);
    ds.put(dossier(A, 1005, 500, { state: 'refused', instructeurs: ['nouvelle.instructrice@dreets.gouv.fr'] }));
    ds.put(dossier(A, 1300, 501));
    ds.remove(A, 1010, '2021-03-01T10:30:00+01:00');

    const result = await run();

    expect(result).toMatchObject({ status: 'succeeded' });
    const stored = await rows();
    expect(stored.map((r) => r.ds_key)).not.toContain(`${A}-1010`);
    expect(stored).toHaveLength(120);
    const changed = stored.filter((r) => r.last_modified.getTime() === later.getTime()).map((r) => r.ds_key);
    expect(changed.sort()).toEqual([`${A}-1005`, `${A}-1300`]);
    const modified = stored.find((r) => r.ds_key === `${A}-1005`)!;
    expect(modified.state).toBe('refused');
    expect(modified.metadata.instructors_history).toEqual([
      'paul.durand@direccte.gouv.fr',
      'nouvelle.instructrice@dreets.gouv.fr',
    ]);
    // updatedSince stays the one of the sweep; only the cursor moves.
    expect(new Set(dossierRequests(ds, A).map((r) => r.variables.updatedSince)).size).toBe(1);
    // Deletions are asked from a margin before the previous run.
    const deletions = ds.requests.filter(
      (r) => r.operationName === 'getDemarcheDeletedDossiers' && r.variables.demarcheNumber === A,
    );
    expect(deletions.map((r) => r.variables.deletedSince)).toEqual([null, '2021-03-01T08:50:00.000Z']);
  });

  it('skips a dossier that cannot be mapped, counted and named by its number, and stores the others', async () => {
    for (let i = 0; i < 4; i++) ds.put(dossier(A, 1000 + i, i));
    const broken = dossier(A, 1002, 2);
    (broken.node as Record<string, unknown>).dateDepot = 'le 3 mars';
    ds.put(broken);
    const badDecision = dossier(A, 1003, 3);
    (badDecision.node as Record<string, unknown>).dateTraitement = '2020-13-45T99:00:00+01:00';
    ds.put(badDecision);

    const result = await run();

    expect(result).toMatchObject({ status: 'succeeded', read: 4, written: 2, skipped: 2 });
    expect(result.skippedKeys).toEqual([
      { dsKey: `${A}-1002`, reason: 'unreadable dateDepot' },
      { dsKey: `${A}-1003`, reason: 'unreadable dateTraitement' },
    ]);
    expect((await rows()).map((r) => r.ds_key)).toEqual([`${A}-1000`, `${A}-1001`]);
  });

  it('retries a DS root error, a 5xx and a 429 after its Retry-After, then goes on', async () => {
    for (let i = 0; i < 150; i++) ds.put(dossier(A, 1000 + i, i));
    const faults = [{ rootError: 'timeout' }, { status: 502 }, { status: 429, retryAfter: '7' }];
    ds.faults = (r) => (r.operationName === 'getDemarcheDossiers' && r.variables.after ? faults.shift() : undefined);

    const result = await run();

    expect(result).toMatchObject({ status: 'succeeded', read: 150, written: 150 });
    expect(pause.waits).toEqual([2000, 4000, 7000]);
    expect((await rows()).length).toBe(150);
    expect(logs.lines.some((l) => l.includes('HTTP 429') && l.includes('retry 3/5 in 7 s'))).toBe(true);
  });

  it('asks again for a page slower than the timeout', async () => {
    for (let i = 0; i < 150; i++) ds.put(dossier(A, 1000 + i, i));
    let slowed = false;
    ds.faults = (r) => {
      if (slowed || r.operationName !== 'getDemarcheDossiers' || !r.variables.after) return undefined;
      slowed = true;
      return { delayMs: 3000 };
    };

    const result = await run();

    expect(result).toMatchObject({ status: 'succeeded', read: 150 });
    expect(pause.waits).toEqual([2000]);
    const pages = dossierRequests(ds, A);
    expect(pages).toHaveLength(3);
    expect(pages[2].variables.after).toBe(pages[1].variables.after);
    expect(logs.lines.some((l) => l.includes('no answer within 2 s'))).toBe(true);
  });

  it('gives up after a bounded number of retries, and the next run resumes at the saved cursor', async () => {
    for (let i = 0; i < 250; i++) ds.put(dossier(A, 1000 + i, i));
    let thirdPage: unknown;
    ds.faults = (r) => {
      const pages = dossierRequests(ds, A);
      if (r.operationName === 'getDemarcheDossiers' && r.variables.demarcheNumber === A && pages.indexOf(r) === 2) {
        thirdPage = r.variables.after;
      }
      return thirdPage !== undefined && r.variables.after === thirdPage ? { status: 503 } : undefined;
    };

    const failed = await run();

    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(`DsApiError: DS API, démarche ${A}: HTTP 503 (gave up after 6 attempts)`);
    expect(pause.waits).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(await rows()).toHaveLength(200);
    expect((await state(A)).end_cursor).toBe(thirdPage);

    ds.faults = null;
    const from = ds.requests.length;
    const resumed = await run();

    expect(resumed).toMatchObject({ status: 'succeeded', read: 50, written: 50 });
    expect(dossierRequests(ds, A, from).map((r) => r.variables.after)).toEqual([thirdPage]);
    expect(await rows()).toHaveLength(250);
  });

  it('fails when the server dies mid-import, and resumes without loss once it is back', async () => {
    for (let i = 0; i < 350; i++) ds.put(dossier(A, 1000 + i, i));
    ds.afterAnswer = (r) => {
      if (r.operationName === 'getDemarcheDossiers' && dossierRequests(ds, A).indexOf(r) === 1) void ds.stop();
    };

    const failed = await run();

    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      new RegExp(`^DsApiError: DS API, démarche ${A}: network error \\(E[A-Z]+\\) \\(gave up after 6 attempts\\)$`),
    );
    const kept = await rows();
    expect(kept).toHaveLength(200);
    const saved = (await state(A)).end_cursor;

    ds.afterAnswer = null;
    await ds.start();
    const from = ds.requests.length;
    const resumed = await run();

    expect(resumed).toMatchObject({ status: 'succeeded', read: 150, written: 150 });
    const pages = dossierRequests(ds, A, from);
    expect(pages[0].variables.after).toBe(saved);
    expect(pages).toHaveLength(2);
    expect(await rows()).toHaveLength(350);
  });

  it('stops at once on a refused token, saying which setting to check', async () => {
    ds.put(dossier(A, 1000, 0));
    const real = ds.token;
    ds.token = 'another-token';
    try {
      const failed = await run();
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('the token was refused (HTTP 403, forbidden); check DS_API_TOKEN');
      expect(pause.waits).toEqual([]);
      expect(ds.requests).toHaveLength(1);
    } finally {
      ds.token = real;
    }
  });

  it('goes on with the other démarches when one is unknown to DS, then fails the run naming it', async () => {
    ds.put(dossier(A, 1000, 0));
    ds.put(dossier(INTRO, 5000, 0));
    ds.demarches.delete(B);

    const result = await run();

    expect(result.status).toBe('failed');
    expect(result.error).toBe(
      `Error: 1 of 3 démarches failed: DS API, démarche ${B}: DS answered not_found (unknown démarche, or not covered by the token)`,
    );
    expect((await rows()).map((r) => r.ds_key)).toEqual([`${A}-1000`, `${INTRO}-5000`]);
  });

  it('imports one démarche with --procedure, and refuses one that is not configured', async () => {
    ds.put(dossier(A, 1000, 0));
    ds.put(dossier(INTRO, 5000, 0));

    expect(await run({ procedure: INTRO })).toMatchObject({ status: 'succeeded', read: 1 });
    expect(new Set(ds.requests.map((r) => r.variables.demarcheNumber))).toEqual(new Set([INTRO]));
    expect(await run({ procedure: 999 })).toMatchObject({
      status: 'failed',
      error: 'Error: démarche 999 is not in DS_PROCEDURES',
    });
  });

  it('starts the sweep over with --all, rewriting nothing that did not change', async () => {
    for (let i = 0; i < 120; i++) ds.put(dossier(A, 1000 + i, i));
    await run();
    const from = ds.requests.length;

    const full = await run({}, true);

    expect(full).toMatchObject({ status: 'succeeded', read: 120, written: 0 });
    expect(dossierRequests(ds, A, from).map((r) => r.variables.after)).toEqual([null, expect.any(String)]);
  });

  it('never writes the token to a log line or a run record', async () => {
    ds.put(dossier(A, 1000, 0));
    ds.token = 'another-token';
    await run();
    ds.token = TOKEN;
    ds.faults = () => ({ status: 500 });
    await run();
    ds.faults = null;
    await ds.stop();
    await run();
    await ds.start();
    const records = await queryRows<{ row: string }>(
      t.databases.main,
      sql`SELECT row_to_json(j)::text AS row FROM job_run j`,
    );
    // The checks above logged retries, timeouts, refusals and failures; none of them may carry the token.
    expect(logs.lines.length).toBeGreaterThan(20);
    expect(logs.lines.filter((l) => l.includes(TOKEN))).toEqual([]);
    expect(records.map((r) => JSON.parse(r.row).status)).toEqual(['failed', 'failed', 'failed']);
    expect(records.filter((r) => r.row.includes(TOKEN))).toEqual([]);
  });
});
