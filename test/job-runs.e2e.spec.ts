import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, LoggerService } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { createRootLogger, LineSink } from '../src/common/logger';
import { loadConfig } from '../src/config/app-config';
import { Databases } from '../src/database/database';
import { jobRun, synchroHistory } from '../src/database/schema';
import { PgJobLock } from '../src/jobs/job-lock';
import { JobRegistry } from '../src/jobs/job-registry';
import { JobRunner } from '../src/jobs/job-runner.service';
import { CronService } from '../src/scheduler/cron.service';
import { ValidityCheckRepository } from '../src/validity-check/validity-check.repository';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/app';
import { dossierRow } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

// PGlite must be loaded as the real module, not through jest's module registry.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

// Values only a dossier carries: none may reach a log line, a run record or the admin API.
const MARKERS = {
  nom: 'Zorglubovitch',
  prenom: 'Anastasiya-Marker',
  birthDate: '1987-11-23',
  siret: '73282932000074',
  email: 'zorglub.marker@exemple-sas.fr',
};

/** Both log formats at once, every level, each line with all its arguments (context, stack) as fields. */
function teeLogger(sink: LineSink): LoggerService {
  const text = createRootLogger({ level: 'trace', format: 'text', destination: sink });
  const json = createRootLogger({ level: 'trace', format: 'json', destination: sink });
  const both =
    (level: 'info' | 'error' | 'warn' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]) => {
      for (const logger of [text, json]) logger[level]({ rest: rest.map(String) }, String(message));
    };
  return { log: both('info'), error: both('error'), warn: both('warn'), debug: both('debug'), verbose: both('trace') };
}

/** Everything written to stdout and stderr while `work` runs. */
async function captureOutput(work: () => Promise<void>): Promise<string> {
  let output = '';
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  Logger.overrideLogger(teeLogger({ write: capture }));
  try {
    await work();
  } finally {
    Logger.overrideLogger(['error']);
    out.mockRestore();
    err.mockRestore();
  }
  return output;
}

describe('job runs (PostgreSQL)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('job_runs');
    t = await createTestApp({ DATABASE_URL: db.url }, new Date('2021-06-01T10:00:00Z'));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });
  beforeEach(() => t.reset());

  it('finds every job from its @OnJob declaration, with its schedule setting', () => {
    const jobs = t.app
      .get(JobRegistry)
      .all()
      .map(({ name, incremental, schedule }) => ({ name, incremental, schedule }));
    expect(jobs.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'alert', incremental: true, schedule: 'alert' },
      { name: 'alert-digest', incremental: false, schedule: 'alertDigest' },
      { name: 'alert-email', incremental: false, schedule: 'alertEmail' },
      { name: 'mail-outbox', incremental: false, schedule: 'mailOutbox' },
      { name: 'monthly-report', incremental: false, schedule: 'monthlyReport' },
      { name: 'retention', incremental: false, schedule: 'retention' },
      { name: 'validity-check', incremental: true, schedule: 'validityCheck' },
      { name: 'validity-check-cleaner', incremental: false, schedule: 'validityCheckCleaner' },
    ]);
  });

  it('schedules every declared job with the cron expression of its setting, and stops the crons at shutdown', () => {
    const config = Object.assign(Object.create(t.config) as object, {
      crons: { ...t.config.crons, alert: '0 7 * * * *' },
    }) as typeof t.config;
    const cron = new CronService(config, t.app.get(JobRunner), t.app.get(JobRegistry));
    cron.onApplicationBootstrap();
    try {
      const scheduled = cron.scheduled();
      expect(scheduled.map((s) => s.job).sort()).toEqual(t.app.get(JobRegistry).names().sort());
      expect(scheduled.find((s) => s.job === 'alert')).toMatchObject({ expression: '0 7 * * * *' });
    } finally {
      cron.beforeApplicationShutdown();
    }
    expect(cron.scheduled()).toEqual([]);
  });

  it('records a failed run by error class, database code and message: no personal data in logs, records or API', async () => {
    const accepted = (dossierId: number, siret: string) =>
      dossierRow({
        dossierId,
        siret,
        email: MARKERS.email,
        champs: { Nom: MARKERS.nom, Prénom: MARKERS.prenom, 'Date de naissance': MARKERS.birthDate },
      });
    await t.insertDossiers([accepted(100001, MARKERS.siret), accepted(100002, '81234567800021')]);
    // The database refuses the batch that holds the marked dossier, as it would refuse any bad row.
    await t.databases.main.execute(
      sql.raw(`ALTER TABLE validity_check ADD CONSTRAINT no_marker CHECK (siret <> '${MARKERS.siret}')`),
    );
    const checks = t.app.get(ValidityCheckRepository);
    const upsertMany = checks.upsertMany.bind(checks);
    const raw: string[] = [];
    // Without the reject handler, so the refused row fails the whole write (with it, the row would only be skipped).
    const spy = jest.spyOn(checks, 'upsertMany').mockImplementation((rows, syncedAt) =>
      upsertMany(rows, syncedAt).catch((error: Error) => {
        raw.push(error.message);
        throw error;
      }),
    );
    const runner = t.app.get(JobRunner);
    let failed, succeeded;
    const logs = await captureOutput(async () => {
      failed = await runner.runToEnd('validity-check', { trigger: 'cli' });
      await t.databases.main.execute(sql`ALTER TABLE validity_check DROP CONSTRAINT no_marker`);
      t.clock.set(new Date('2021-06-01T11:00:00Z'));
      succeeded = await runner.runToEnd('validity-check', { trigger: 'cli' });
    });
    spy.mockRestore();

    // The error as thrown does carry the dossier's values: what follows is not vacuous.
    expect(raw.join('\n')).toContain(MARKERS.siret);
    expect(raw.join('\n')).toContain(MARKERS.birthDate);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(succeeded).toMatchObject({ status: 'succeeded', written: 2 });
    const error = (failed as unknown as { error: string }).error;
    expect(error).toMatch(/^\w+\/DatabaseError 23514: new row for relation "validity_check" violates check constraint/);
    expect(logs).toContain('23514');
    expect(logs).toMatch(/"level":"error"/);

    const records = JSON.stringify(await t.databases.main.select().from(jobRun));
    const api = (await t.app.inject({ method: 'GET', url: '/api/admin/jobs', headers: auth })).body;
    const apiOne = (await t.app.inject({ method: 'GET', url: `/api/admin/jobs/${failed!.id}`, headers: auth })).body;
    for (const marker of Object.values(MARKERS)) {
      expect({ marker, found: logs.includes(marker) }).toEqual({ marker, found: false });
      expect({ marker, found: records.includes(marker) }).toEqual({ marker, found: false });
      expect({ marker, found: (api + apiOne).includes(marker) }).toEqual({ marker, found: false });
    }
  });
});

describe('job runs at shutdown (PostgreSQL)', () => {
  let db: TestDatabase;
  let observer: Databases;

  beforeAll(async () => {
    db = await createTestDatabase('job_shutdown');
    observer = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
  });
  afterAll(async () => {
    await observer?.close();
    await db?.drop();
  });

  it('stops a running job at the end of its batch when the application closes: interrupted, lock free', async () => {
    const t = await createTestApp({ DATABASE_URL: db.url }, new Date('2021-06-01T10:00:00Z'));
    let closed = false;
    try {
      await t.insertDossiers(Array.from({ length: 600 }, (_, i) => dossierRow({ dossierId: 300000 + i })));
      // The first batch's write waits until the shutdown has begun.
      let shutdownBegun!: () => void;
      const begun = new Promise<void>((resolve) => (shutdownBegun = resolve));
      const checks = t.app.get(ValidityCheckRepository);
      const upsertMany = checks.upsertMany.bind(checks);
      const batches = jest.spyOn(checks, 'upsertMany').mockImplementation(async (...args) => {
        await begun;
        return upsertMany(...args);
      });
      const { run, done } = await t.app.get(JobRunner).start('validity-check', { trigger: 'api' });
      const closing = t.app.close().then(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      shutdownBegun();
      await closing;
      const ended = await done;

      expect(ended).toMatchObject({ id: run.id, status: 'interrupted' });
      expect(batches).toHaveBeenCalledTimes(1);
      const [stored] = await observer.main.select().from(jobRun).where(eq(jobRun.id, run.id));
      expect(stored).toMatchObject({ status: 'interrupted', read: 250, written: 250 });
      expect(await observer.main.select().from(synchroHistory)).toEqual([]);
      const lock = await new PgJobLock(observer).tryAcquire('validity-check');
      expect(lock).not.toBeNull();
      await lock!.release();
    } finally {
      if (!closed) await t.close();
    }
  });
});

describe('job runs (embedded PGlite)', () => {
  let dataDir: string;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wif-job-runs-'));
    t = await createTestApp({ DATA_DIR: dataDir }, new Date('2021-06-01T10:00:00Z'));
    await t.insertDossiers(Array.from({ length: 300 }, (_, i) => dossierRow({ dossierId: 200000 + i })));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 202 to one of two simultaneous sync-all and 409 to the other', async () => {
    const post = () => t.app.inject({ method: 'POST', url: '/api/admin/validity-checks/sync-all', headers: auth });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409]);
    const started = answers.find((a) => a.statusCode === 202)!.json<{ id: string }>();
    for (let i = 0; i < 200; i++) {
      const run = (await t.app.inject({ method: 'GET', url: `/api/admin/jobs/${started.id}`, headers: auth })).json<{
        status: string;
      }>();
      if (run.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
