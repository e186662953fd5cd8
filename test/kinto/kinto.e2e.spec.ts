import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/database/database';
import { JobName } from '../../src/jobs/job-run';
import { JobRunner } from '../../src/jobs/job-runner.service';
import { ADMIN_TOKEN, TestApp, createTestApp } from '../helpers/app';
import { dossierRow } from '../helpers/dossier-row';
import { TestDatabase, createTestDatabase } from '../helpers/postgres';
import { KintoDouble } from './kinto-double';

// 23:30 in Paris on 30 June 2021: the last valid day of the default APT (2020-09-21 → 2021-06-30).
const LAST_EVENING = new Date('2021-06-30T21:30:00Z');
const NEXT_MORNING = new Date('2021-06-30T22:30:00Z');
const BUCKET = 'wif_public';

/**
 * The whole application with STORE=kinto: its results in the (double of the) Kinto server, the dossiers still read
 * from PostgreSQL (here the stand-in aggregator tables of a test database).
 */
describe('STORE=kinto end to end (Kinto double)', () => {
  let double: KintoDouble;
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    db = await createTestDatabase('kinto_e2e');
    t = await createTestApp(
      { STORE: 'kinto', KINTO_URL: double.url, KINTO_AUTH: 'wif:wif-secret', DATABASE_URL: db.url },
      LAST_EVENING,
    );
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await double?.close();
  });
  beforeEach(async () => {
    await t.reset();
    double.clearRecords();
    double.clearRequests();
  });

  const check = (id: number, date: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/apt_validity_check/${id}/${date}` });
  const runJob = (name: JobName) => t.app.get(JobRunner).runToEnd(name, { trigger: 'cli' });

  it('runs the validity-check job into Kinto and answers the public check from it', async () => {
    await t.insertDossiers([
      dossierRow({ dossierId: 4518237 }),
      dossierRow({
        procedureId: 33588,
        dossierId: 4518238,
        group: { id: '75', label: '75 - Paris', type: 'introduction' },
      }),
    ]);

    const run = await runJob('validity-check');
    expect(run).toMatchObject({ status: 'succeeded', read: 2, written: 2 });

    // Everything the run produced lives in Kinto, nothing in the back office's PostgreSQL tables.
    expect(
      double
        .storedRecords(BUCKET, 'validity_keys')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['vk-14131-4518237', 'vk-33588-4518238']);
    expect(double.storedRecords(BUCKET, 'validity_checks')).toHaveLength(2);
    expect(double.storedRecords(BUCKET, 'job_runs')).toEqual([
      expect.objectContaining({ id: run.id, job: 'validity-check', status: 'succeeded' }),
    ]);
    expect(double.storedRecord(BUCKET, 'synchro_histories', 'sh-validity-check')).toMatchObject({
      last_synchro: LAST_EVENING.getTime(),
    });
    // The lock was taken (generation 1) and released (generation 2, expired at once).
    expect(double.storedRecords(BUCKET, 'job_locks')).toEqual([
      expect.objectContaining({ id: 'lock-validity-check-2', holder: '', expires_at: 0 }),
    ]);
    expect(double.requests.some((r) => r.path.endsWith('/job_locks/records/lock-validity-check-1'))).toBe(true);
    const [{ n }] = await queryRows<{ n: number }>(
      t.databases.main,
      sql`SELECT count(*)::int AS n FROM validity_check`,
    );
    expect(n).toBe(0);

    const res = await check(4518237, '1998-03-07');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'valid',
      data: [{ ds_id: 4518237, type: 'autorisation', nom: '*g****', date_de_fin_apt: '2021-06-30' }],
    });
    expect((await check(4518237, '1998-03-08')).json()).toEqual({ data: [], status: 'invalid' });

    t.clock.set(NEXT_MORNING);
    expect((await check(4518237, '1998-03-07')).json().status).toBe('invalid');
    expect(await runJob('validity-check-cleaner')).toMatchObject({ status: 'succeeded', written: 1 });
    expect(double.storedRecords(BUCKET, 'validity_keys').map((r) => r.id)).toEqual(['vk-33588-4518238']);
    expect(double.storedRecords(BUCKET, 'validity_checks').map((r) => r.ds_key)).toEqual(['33588-4518238']);
    expect((await check(4518238, '1998-03-07')).json().status).toBe('valid');
  });

  it('keeps alerts, their mails and the monthly reports in Kinto, computed from the dossier source', async () => {
    const yesterday = '2021-06-29T15:00:00.000Z';
    await t.insertDossiers([
      // Accepted without an end date: an alert, and a mail to the applicant in the outbox.
      dossierRow({
        dossierId: 300001,
        processedAt: yesterday,
        lastModified: yesterday,
        annotations: { 'Date de début APT': '2021-03-15', 'Date de fin APT': '' },
      }),
      dossierRow({ dossierId: 300002, processedAt: '2021-05-10T10:00:00Z', lastModified: '2021-05-10T10:00:00Z' }),
    ]);

    expect(await runJob('alert')).toMatchObject({ status: 'succeeded', read: 2 });
    expect(double.storedRecords(BUCKET, 'alerts')).toEqual([
      expect.objectContaining({
        id: 'al-14131-300001-closedWithoutDateDebutOrDateFin',
        ds_key: '14131-300001',
        status: 'open',
      }),
    ]);
    expect(double.storedRecords(BUCKET, 'mail_outbox')).toEqual([
      expect.objectContaining({ kind: 'alert', state: 'to_send' }),
    ]);
    const alerts = await t.app.inject({
      method: 'GET',
      url: '/api/admin/alerts?state=open',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(alerts.json()).toMatchObject({ total: 1, items: [{ dsKey: '14131-300001' }] });

    const run = await t.app.get(JobRunner).runToEnd('monthly-report', { trigger: 'cli', params: { month: '2021-05' } });
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(double.storedRecord(BUCKET, 'monthly_reports', 'mr-2021-05-75-autorisation')).toMatchObject({
      year: 2021,
      month: 5,
      counts: { more3Months: 1, less3Months: 0, unknownDuration: 0, refused: 0, withoutContinuation: 0 },
    });
    const may = await t.app.inject({
      method: 'GET',
      url: '/api/admin/monthly-reports/2021/5',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(may.statusCode).toBe(200);
    // One report per configured group, all of them in Kinto.
    const reports = may.json() as Array<{ group: { id: string; type: string }; categories: unknown }>;
    expect(reports.length).toBe(double.storedRecords(BUCKET, 'monthly_reports').length);
    expect(reports.find((r) => r.group.id === '75' && r.group.type === 'autorisation')).toMatchObject({
      categories: { more3Months: { count: 1, countries: { VIETNAM: 1 } } },
    });
  });

  it('answers 503 with Retry-After while Kinto is down, public check and admin API alike, then recovers', async () => {
    await t.insertDossiers([dossierRow({ dossierId: 4518237 })]);
    await runJob('validity-check');
    double.stop();
    try {
      const publicCheck = await check(4518237, '1998-03-07');
      expect(publicCheck.statusCode).toBe(503);
      expect(publicCheck.headers['retry-after']).toBe('10');
      const admin = await t.app.inject({
        method: 'GET',
        url: '/api/admin/jobs?job=validity-check',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(admin.statusCode).toBe(503);
      expect(admin.headers['retry-after']).toBe('10');
    } finally {
      double.resume();
    }
    expect((await check(4518237, '1998-03-07')).json().status).toBe('valid');
  });

  it('survives Kinto going away in the middle of a job started through the admin API', async () => {
    await t.insertDossiers([dossierRow({ dossierId: 4518237 })]);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    // Kinto goes down once the job reads its first keys: its writes, its final state and its lock release all fail.
    double.onRequest = (request) => {
      if (request.path.includes('/validity_keys/')) double.stop();
    };
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const started = await t.app.inject({
        method: 'POST',
        url: '/api/admin/jobs/validity-check/start',
        headers: auth,
      });
      expect(started.statusCode).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      process.off('unhandledRejection', onRejection);
      double.onRequest = null;
      double.resume();
    }
    // Nothing left for the process to die of (Node ends the process on an unhandled rejection).
    expect(rejections.map(String)).toEqual([]);
    // Still serving, and the job can run again once its lease is released or expired.
    expect((await t.app.inject({ method: 'GET', url: '/api/readiness' })).statusCode).toBe(200);
  });

  it('creates the bucket and its collections again when Kinto restarted empty', async () => {
    await t.insertDossiers([dossierRow({ dossierId: 4518237 })]);
    await runJob('validity-check');
    double.wipe();
    expect((await check(4518237, '1998-03-07')).json().status).toBe('invalid');
    expect(await runJob('validity-check')).toMatchObject({ status: 'succeeded' });
    expect((await check(4518237, '1998-03-07')).json().status).toBe('valid');
  });

  it('lists the runs through the admin API and reports Kinto in the readiness check', async () => {
    await runJob('validity-check');
    const runs = await t.app.inject({
      method: 'GET',
      url: '/api/admin/jobs?job=validity-check',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(runs.statusCode).toBe(200);
    expect(runs.json()).toHaveLength(1);

    const ready = await t.app.inject({ method: 'GET', url: '/api/readiness' });
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { kinto: 'ok' } });
  });
});

describe('STORE=kinto start', () => {
  it('stops with a clear message when Kinto refuses the credentials', async () => {
    const double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    const db = await createTestDatabase('kinto_bad');
    try {
      await expect(
        createTestApp(
          { STORE: 'kinto', KINTO_URL: double.url, KINTO_AUTH: 'wif:wrong', DATABASE_URL: db.url },
          LAST_EVENING,
        ),
      ).rejects.toThrow('did not accept KINTO_AUTH (user "wif")');
    } finally {
      await db.drop();
      await double.close();
    }
  });
});
