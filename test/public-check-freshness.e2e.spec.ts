import { sql } from 'drizzle-orm';
import { Databases } from '../src/database/database';
import { createTestApp, TestApp } from './helpers/app';
import { dossierRow } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';
import { wif } from './helpers/wif';

// The CLI runs on the real clock: APT dates far enough ahead to stay valid whenever the test runs.
const APT = { 'Date de début APT': '2020-09-21', 'Date de fin APT': '2099-06-30' };

describe('public answers after a job run by another process', () => {
  let db: TestDatabase;
  let server: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('freshness');
    server = await createTestApp({ DATABASE_URL: db.url, PUBLIC_RATE_LIMIT: '0' }, new Date());
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const answer = async () =>
    (await server.app.inject({ method: 'GET', url: '/api/v1/apt_validity_check/4518237/1998-03-07' })).json<{
      status: string;
      data: Array<{ date_de_fin_apt: string }>;
    }>();
  const syncFromCli = async () => {
    const result = await wif(['sync', 'validity-check'], { DATABASE_URL: db.url });
    expect(result.code).toBe(0);
  };

  // Saved now, as the aggregator would, so that the CLI's incremental run sees it after its previous run.
  const saved = (state: string, end: string) => {
    const row = dossierRow({ dossierId: 4518237, state, annotations: { ...APT, 'Date de fin APT': end } });
    return { ...row, last_modified: new Date() };
  };
  const replaceDossier = async (state: string, end: string) => {
    await server.app.get(Databases).main.execute(sql`DELETE FROM dossier_record`);
    await server.insertDossiers([saved(state, end)]);
  };

  it('gives the very next public answer from what the CLI just wrote', async () => {
    await replaceDossier('closed', '2099-06-30');
    expect((await answer()).status).toBe('invalid');
    await syncFromCli();
    expect(await answer()).toMatchObject({ status: 'valid', data: [{ date_de_fin_apt: '2099-06-30' }] });

    // A new end date, then a refusal: each shows at once.
    await replaceDossier('closed', '2098-01-31');
    await syncFromCli();
    expect(await answer()).toMatchObject({ status: 'valid', data: [{ date_de_fin_apt: '2098-01-31' }] });

    await replaceDossier('refused', '2098-01-31');
    await syncFromCli();
    expect(await answer()).toEqual({ data: [], status: 'invalid' });
  });
});
