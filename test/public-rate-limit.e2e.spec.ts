import { createTestApp, TestApp } from './helpers/app';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

describe('public check rate limit (S4)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('ratelimit');
    t = await createTestApp(
      { DATABASE_URL: db.url, PUBLIC_RATE_LIMIT: '3', TRUST_PROXY_HOPS: '1' },
      new Date('2021-06-01T10:00:00Z'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const check = (ip: string, id = 123456) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/apt_validity_check/${id}/1990-01-01`,
      headers: { 'x-forwarded-for': ip },
    });

  it('answers 429 with Retry-After past the limit, per client IP, bad requests included', async () => {
    expect((await check('203.0.113.1')).statusCode).toBe(200);
    expect((await check('203.0.113.1')).statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/apt_validity_check/x/1990-01-01',
          headers: { 'x-forwarded-for': '203.0.113.1' },
        })
      ).statusCode,
    ).toBe(400);
    const limited = await check('203.0.113.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ statusCode: 429 });
    // Another client is not affected.
    expect((await check('198.51.100.7')).statusCode).toBe(200);
  });

  it('does not limit health checks', async () => {
    for (let i = 0; i < 6; i++) {
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/liveness', headers: { 'x-forwarded-for': '203.0.113.9' } }))
          .statusCode,
      ).toBe(200);
    }
  });
});
