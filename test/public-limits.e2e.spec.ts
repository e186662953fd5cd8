import { Logger } from '@nestjs/common';
import { JobRunner } from '../src/jobs/job-runner.service';
import { SharedCounters } from '../src/public-limits/shared-counters.service';
import { createTestApp, TestApp } from './helpers/app';
import { dossierRow } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

const NOW = new Date('2021-06-01T10:00:00Z');
const BIRTH_DATE = '1998-03-07';

describe('public check limits', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('limits');
    const env = {
      DATABASE_URL: db.url,
      PUBLIC_RATE_LIMIT: '3',
      TRUST_PROXY_HOPS: '1',
      PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER: '4',
    };
    // Two replicas on one database.
    a = await createTestApp(env, NOW);
    b = await createTestApp(env, NOW);
    await a.insertDossiers([dossierRow({ dossierId: 4518237 }), dossierRow({ dossierId: 4518238 })]);
    await a.app.get(JobRunner).runToEnd('validity-check', { trigger: 'cli', full: true });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  // A new unknown number each time, so that these requests stay within the per-dossier budget.
  let unknownId = 100000;
  const check = (t: TestApp, ip: string, id: number | string = unknownId++, date = '1990-01-01') =>
    t.app.inject({ method: 'GET', url: `/api/v1/apt_validity_check/${id}/${date}`, headers: { 'x-forwarded-for': ip } });

  it('answers 429 with the real time left past the limit, per client, bad requests included', async () => {
    expect((await check(a, '203.0.113.1')).statusCode).toBe(200);
    a.clock.set(new Date(NOW.getTime() + 20_000));
    expect((await check(a, '203.0.113.1')).statusCode).toBe(200);
    expect((await check(a, '203.0.113.1', 'x')).statusCode).toBe(400);
    const limited = await check(a, '203.0.113.1');
    expect(limited.statusCode).toBe(429);
    // The window opened at the first request, 20 s ago.
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.json()).toEqual({
      statusCode: 429,
      error: 'TOO_MANY_REQUESTS',
      message: 'Trop de demandes : merci de réessayer plus tard.',
    });
    expect((await check(a, '198.51.100.7')).statusCode).toBe(200);
    a.clock.set(NOW);
  });

  it('counts every address of an IPv6 /64 as one client', async () => {
    for (const suffix of ['1', '2', 'ffff']) {
      expect((await check(a, `2001:db8:aa:1::${suffix}`)).statusCode).toBe(200);
    }
    expect((await check(a, '2001:db8:aa:1::beef')).statusCode).toBe(429);
    expect((await check(a, '2001:db8:aa:2::1')).statusCode).toBe(200);
  });

  it('shares the client counters between replicas', async () => {
    for (let i = 0; i < 3; i++) expect((await check(a, '192.0.2.50')).statusCode).toBe(200);
    await a.app.get(SharedCounters).flush();
    // Replica b has not seen this client yet: its first hit reads the shared total back.
    expect((await check(b, '192.0.2.50')).statusCode).toBe(200);
    await b.app.get(SharedCounters).flush();
    expect((await check(b, '192.0.2.50')).statusCode).toBe(429);
  });

  it('refuses a dossier number to everyone, for every date, once its wrong birth dates are used up', async () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => {
      warnings.push(String(m));
    });
    try {
      // Four wrong dates from four clients spread over both replicas.
      const dates = ['1990-01-01', '1990-01-02', '1990-01-03', '1990-01-04'];
      for (const [i, date] of dates.entries()) {
        const replica = i % 2 ? b : a;
        const res = await check(replica, `198.18.0.${i + 1}`, 4518237, date);
        expect(res.json()).toEqual({ data: [], status: 'invalid' });
        await replica.app.get(SharedCounters).flush();
      }
      // Each replica reads the shared totals of the numbers it was asked about in the background.
      for (const t of [a, b]) t.clock.set(new Date(NOW.getTime() + 2000));
      for (const t of [a, b]) await check(t, '198.18.2.1', 4518237, BIRTH_DATE);
      for (const t of [a, b]) await t.app.get(SharedCounters).flush();
      // The right date, from a fresh client, on either replica: the same 429 as any other date.
      for (const replica of [a, b]) {
        const right = await check(replica, '198.18.1.1', 4518237, BIRTH_DATE);
        const wrong = await check(replica, '198.18.1.2', 4518237, '1990-01-05');
        expect(right.statusCode).toBe(429);
        expect(right.body).toBe(wrong.body);
        expect(Number(right.headers['retry-after'])).toBe(24 * 3600 - 2);
      }
      // Another dossier is not affected.
      expect((await check(a, '198.18.1.3', 4518238, BIRTH_DATE)).json().status).toBe('valid');
      // The event is logged by dossier number, without the dates tried.
      // One line per replica, however many requests were refused.
      const logged = warnings.filter((w) => w.includes('4518237'));
      expect(logged).toHaveLength(2);
      for (const date of [...dates, BIRTH_DATE]) expect(warnings.join('\n')).not.toContain(date);

      // A day later the number answers again.
      for (const t of [a, b]) t.clock.set(new Date(NOW.getTime() + 24 * 3600_000 + 1000));
      expect((await check(a, '198.18.1.4', 4518237, BIRTH_DATE)).json().status).toBe('valid');
    } finally {
      spy.mockRestore();
      for (const t of [a, b]) t.clock.set(NOW);
    }
  });

  it('marks every public answer as not to be stored nor sniffed', async () => {
    for (const res of [
      await check(a, '192.0.2.99', 4518238, BIRTH_DATE),
      await check(a, '192.0.2.99', 'abc'),
      await a.app.inject({ method: 'GET', url: '/api/liveness' }),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses a body bigger than a few KiB before any route sees it', async () => {
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/admin/alerts/sync-all',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(16 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
  });

  it('does not limit health checks', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await a.app.inject({
        method: 'GET',
        url: '/api/liveness',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(res.statusCode).toBe(200);
    }
  });
});
