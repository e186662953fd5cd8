import { request as httpGet } from 'node:http';
import { createRootLogger } from '../src/common/logger';
import { HealthService } from '../src/health/health.service';
import { JobRunner } from '../src/jobs/job-runner.service';
import { OutboxRepository } from '../src/mail/outbox.repository';
import { MetricsService } from '../src/metrics/metrics.service';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/app';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

const NOW = new Date('2021-06-01T10:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function scrape(port: number, path = '/metrics'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of one series in a Prometheus text exposition, or undefined. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operations: logs, request ids, errors, metrics, readiness', () => {
  let db: TestDatabase;
  let t: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  let probeMode: 'ok' | 'hang' | 'fail' = 'ok';

  beforeAll(async () => {
    db = await createTestDatabase('ops');
    const rootLogger = createRootLogger({
      level: 'info',
      format: 'json',
      destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    t = await createTestApp(
      { DATABASE_URL: db.url, PUBLIC_RATE_LIMIT: '2', TRUST_PROXY_HOPS: '1', HEALTH_CHECK_TIMEOUT_MS: '200' },
      NOW,
      { rootLogger },
    );
    t.app.get(HealthService).addProbe('extra', async () => {
      if (probeMode === 'fail') throw new Error('refused');
      if (probeMode === 'hang') await new Promise(() => undefined);
    });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await t?.close();
    await db?.drop();
  });

  const check = (ip: string, path = '123456/1990-01-01', headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/apt_validity_check/${path}`,
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  it('gives every request an id (a sane X-Request-Id is kept), echoes it, and logs one access line with it', async () => {
    const kept = await check('192.0.2.1', '123456/1990-01-01', { 'x-request-id': 'edge-42.abc' });
    expect(kept.headers['x-request-id']).toBe('edge-42.abc');
    const replaced = await check('192.0.2.2', '123456/1990-01-01', { 'x-request-id': 'bad id\twith "quotes"' });
    expect(replaced.headers['x-request-id']).toMatch(UUID);
    const fresh = await check('192.0.2.3');
    expect(fresh.headers['x-request-id']).toMatch(UUID);

    const access = lines.filter((l) => l.requestId === 'edge-42.abc');
    expect(access).toEqual([
      expect.objectContaining({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        req: { method: 'GET', path: '/api/v1/apt_validity_check/:ds_id/:date' },
        res: { statusCode: 200 },
        durationMs: expect.any(Number),
      }),
    ]);
    expect(lines.filter((l) => l.requestId === replaced.headers['x-request-id'])).toHaveLength(1);
    // The dossier number and the birth date together identify a person: never in a log line.
    const all = JSON.stringify(lines);
    expect(all).not.toContain('123456');
    expect(all).not.toContain('1990-01-01');
  });

  it('keeps credentials out of the logs and puts the request id on lines logged while serving', async () => {
    probeMode = 'fail';
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/readiness',
      headers: { 'x-request-id': 'probe-1', authorization: `Bearer ${ADMIN_TOKEN}`, cookie: 'session=secret' },
    });
    probeMode = 'ok';
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'Not ready' });
    const ofRequest = lines.filter((l) => l.requestId === 'probe-1');
    expect(ofRequest.map((l) => l.msg)).toEqual(['not ready', 'GET /api/readiness 503']);
    expect(ofRequest[0]).toMatchObject({ level: 'warn', checks: { database: 'ok', extra: 'error: refused' } });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toContain('session=secret');
  });

  it('fails a readiness check that does not answer in time, naming it', async () => {
    probeMode = 'hang';
    const res = await t.app.inject({ method: 'GET', url: '/api/readiness', headers: { 'x-request-id': 'probe-2' } });
    probeMode = 'ok';
    expect(res.statusCode).toBe(503);
    expect(lines.find((l) => l.requestId === 'probe-2' && l.msg === 'not ready')).toMatchObject({
      checks: { database: 'ok', aggregator: 'ok', extra: 'error: no answer within 200 ms' },
    });
    const ok = await t.app.inject({ method: 'GET', url: '/api/readiness' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', checks: { database: 'ok', aggregator: 'ok', extra: 'ok' } });
  });

  it('answers every error as { statusCode, error, message } with one French message', async () => {
    const admin = (url: string, token = ADMIN_TOKEN) =>
      t.app.inject({ method: 'GET', url: `/api/admin${url}`, headers: { authorization: `Bearer ${token}` } });
    const cases = [
      [await admin('/jobs', 'wrong-token-0123456789'), 401, /^Un jeton d'administration valide est requis/],
      [await admin('/jobs/not-a-uuid'), 400, /^L'identifiant d'exécution doit être un UUID\.$/],
      [await admin('/jobs/6f1c1d7e-8d5b-4c39-9a51-2b6f0d1e0c11'), 404, /^Aucune exécution de tâche /],
      [
        await t.app.inject({
          method: 'POST',
          url: '/api/admin/jobs/no-such-job/start',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }),
        404,
        /^Tâche inconnue : no-such-job\.$/,
      ],
      [await t.app.inject({ method: 'GET', url: '/api/nothing-here' }), 404, /^Adresse inconnue\.$/],
      [await check('192.0.2.9', 'abc/1990-01-01'), 400, /^Le numéro de dossier/],
      [await admin('/jobs?limit=abc'), 400, /./],
    ] as const;
    for (const [res, status, message] of cases) {
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
      expect(body.statusCode).toBe(status);
      expect(typeof body.message).toBe('string');
      expect(body.message).toMatch(message);
    }
  });

  it('answers 429 in French with Retry-After the real time left in the window', async () => {
    try {
      expect((await check('203.0.113.5')).statusCode).toBe(200);
      expect((await check('203.0.113.5')).statusCode).toBe(200);
      t.clock.set(new Date(NOW.getTime() + 25_000));
      const limited = await check('203.0.113.5');
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('35');
      expect(limited.json()).toEqual({
        statusCode: 429,
        error: 'TOO_MANY_REQUESTS',
        message: 'Trop de demandes : merci de réessayer plus tard.',
      });
    } finally {
      t.clock.set(NOW);
    }
  });

  it('exposes request, public check, job, outbox and pool series on the metrics port only', async () => {
    const metrics = t.app.get(MetricsService);
    const run = await t.app.get(JobRunner).runToEnd('validity-check', { trigger: 'cli', full: true });
    expect(run.status).toBe('succeeded');
    await t.app.get(OutboxRepository).addIfAbsent([
      {
        dedupeKey: 'ops-test:1',
        kind: 'alert',
        mail: { to: ['a@example.org'], cc: [], bcc: [], subject: 's', text: 't' },
        state: 'to_send',
        notAfter: null,
        createdAt: new Date(NOW.getTime() - 2 * 3600_000),
      },
    ]);

    const port = await metrics.listen(0, '127.0.0.1');
    const { status, body } = await scrape(port);
    expect(status).toBe(200);
    expect((await scrape(port, '/api/readiness')).status).toBe(404);

    expect(sample(body, 'wif_public_checks_total{outcome="invalid"}')).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'wif_public_checks_total{outcome="bad_input"}')).toBe(1);
    expect(sample(body, 'wif_public_checks_total{outcome="limited"}')).toBe(1);
    expect(
      sample(
        body,
        'wif_http_request_duration_seconds_count{method="GET",route="/api/v1/apt_validity_check/:ds_id/:date",status_code="200"}',
      ),
    ).toBeGreaterThanOrEqual(5);
    // Unknown paths share one label, so that a scanner cannot blow up the number of series.
    expect(body).toContain('route="unmatched",status_code="404"');
    expect(body).not.toContain('123456');

    expect(sample(body, 'wif_job_last_success_timestamp_seconds{job="validity-check"}')).toBe(
      (run.finishedAt as Date).getTime() / 1000,
    );
    expect(sample(body, 'wif_job_runs_total{job="validity-check",status="succeeded"}')).toBe(1);
    expect(sample(body, 'wif_job_last_run_dossiers{job="validity-check",count="read"}')).toBe(run.read);
    expect(sample(body, 'wif_job_last_duration_seconds{job="validity-check"}')).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'wif_mail_outbox_mails{state="to_send"}')).toBe(1);
    expect(sample(body, 'wif_mail_outbox_oldest_waiting_seconds')).toBe(7200);
    expect(sample(body, 'wif_db_pool_connections{pool="main",state="total"}')).toBeGreaterThan(0);

    // The run is logged once with its job, id and counts as fields.
    expect(lines.filter((l) => l.runId === run.id && l.status === 'succeeded')).toEqual([
      expect.objectContaining({ job: 'validity-check', read: run.read, written: run.written, skipped: 0, failed: 0 }),
    ]);
  });

  it('answers readiness 503 as soon as shutdown begins, while liveness still answers', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/readiness' })).statusCode).toBe(200);
    t.app.get(HealthService).beginShutdown();
    const res = await t.app.inject({ method: 'GET', url: '/api/readiness' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'Not ready' });
    expect((await t.app.inject({ method: 'GET', url: '/api/liveness' })).json()).toEqual({ status: 'ok' });
  });
});
