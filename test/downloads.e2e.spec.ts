import { once } from 'node:events';
import { AlertService } from '../src/alert/alert.service';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/app';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

describe('workbook downloads per instance', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('downloads');
    t = await createTestApp({ DATABASE_URL: db.url, DOWNLOAD_CONCURRENCY: '1' }, new Date('2021-06-01T10:00:00Z'));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const download = () =>
    t.app.inject({
      method: 'GET',
      url: '/api/admin/alerts/download',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });

  it('answers 503 with Retry-After while every slot is taken, and serves again once one is free', async () => {
    // A download in progress that nobody reads yet holds the only slot.
    const pending = t.app.get(AlertService).workbook({});
    const busy = await download();
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('10');
    expect(busy.json()).toEqual({
      statusCode: 503,
      error: 'SERVICE_UNAVAILABLE',
      message: 'Trop de téléchargements en cours : merci de réessayer dans quelques secondes.',
    });

    pending.destroy();
    await once(pending, 'close');
    const served = await download();
    expect(served.statusCode).toBe(200);
    // The finished download gave its slot back too.
    expect((await download()).statusCode).toBe(200);
  });
});
