import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/app-config';
import { Databases } from '../src/database/database';
import { PgJobLock } from '../src/jobs/job-lock';
import { JobRunner } from '../src/jobs/job-runner.service';
import { SynchroHistoryRepository } from '../src/synchro-history/synchro-history.repository';
import { createTestApp, TestApp } from './helpers/app';
import { dossierRow } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

describe('job runs across instances (PostgreSQL)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let other: Databases;

  beforeAll(async () => {
    db = await createTestDatabase('jobs');
    t = await createTestApp({ DATABASE_URL: db.url }, new Date('2021-06-01T10:00:00Z'));
    // A second instance: its own connection pool on the same database.
    other = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
    await db?.drop();
  });
  beforeEach(() => t.reset());

  it('lets one instance hold a job lock at a time, and frees it when the holder goes', async () => {
    const here = new PgJobLock(t.databases);
    const there = new PgJobLock(other);
    const held = await here.tryAcquire('validity-check');
    expect(held).not.toBeNull();
    expect(await there.tryAcquire('validity-check')).toBeNull();
    // Another job is independent.
    const alert = await there.tryAcquire('alert');
    expect(alert).not.toBeNull();
    await alert!.release();
    await held!.release();
    const after = await there.tryAcquire('validity-check');
    expect(after).not.toBeNull();
    await after!.release();
  });

  it('frees the lock of an instance whose connection dies (a crashed holder never blocks for good)', async () => {
    const crashed = await new PgJobLock(other).tryAcquire('alert');
    expect(crashed).not.toBeNull();
    expect(await new PgJobLock(t.databases).tryAcquire('alert')).toBeNull();
    // What a killed process amounts to for PostgreSQL: its session ends (waited for: termination is otherwise
    // asynchronous). Only in this test's database: pg_locks is server-wide, and other test files hold advisory
    // locks of their own (migrations) at the same time.
    await t.databases.main.execute(
      sql`SELECT pg_terminate_backend(pid, 10000) FROM pg_locks
          WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    const taken = await new PgJobLock(t.databases).tryAcquire('alert');
    expect(taken).not.toBeNull();
    await taken!.release();
    await crashed!.release();
  });

  it('answers 409 while another instance runs the job', async () => {
    const lock = await new PgJobLock(other).tryAcquire('validity-check');
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/admin/validity-checks/sync-all',
        headers: { authorization: 'Bearer test-admin-token-0123456789' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ statusCode: 409, message: 'La tâche validity-check est déjà en cours.' });
    } finally {
      await lock?.release();
    }
  });

  it('records a failed run, keeps the watermark, and does not block the next run (failed-run-never-blocks-the-next, job-lock-held-by-a-database-session)', async () => {
    const runner = t.app.get(JobRunner);
    const history = t.app.get(SynchroHistoryRepository);
    await t.insertDossiers([dossierRow({ dossierId: 100001 })]);
    expect(await runner.runToEnd('validity-check', { trigger: 'cli' })).toMatchObject({ status: 'succeeded' });
    const watermark = await history.get('validity-check');

    await t.databases.main.execute(sql`ALTER TABLE dossier_record RENAME TO dossier_record_away`);
    t.clock.set(new Date('2021-06-01T11:00:00Z'));
    const failed = await runner.runToEnd('validity-check', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/dossier_record/);
    expect(await history.get('validity-check')).toEqual(watermark);

    await t.databases.main.execute(sql`ALTER TABLE dossier_record_away RENAME TO dossier_record`);
    const next = await runner.runToEnd('validity-check', { trigger: 'cli' });
    expect(next).toMatchObject({ status: 'succeeded', since: new Date('2021-06-01T09:50:00Z') });
    expect(await history.get('validity-check')).toEqual(new Date('2021-06-01T11:00:00Z'));
  });

  it('marks the runs of a dead instance abandoned when the job next starts', async () => {
    const runner = t.app.get(JobRunner);
    await t.databases.main.execute(
      sql`INSERT INTO job_run (job, status, trigger, params, instance, started_at, skipped_keys)
          VALUES ('validity-check', 'running', 'cron', '{}', 'gone:1', '2021-06-01T08:00:00Z', '[]')`,
    );
    await runner.runToEnd('validity-check', { trigger: 'cli' });
    const runs = await t.databases.main.execute(sql`SELECT status FROM job_run WHERE instance = 'gone:1'`);
    expect((runs as unknown as { rows: Array<{ status: string }> }).rows[0].status).toBe('abandoned');
  });
});
