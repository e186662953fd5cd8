import { sql } from 'drizzle-orm';
import { JobName } from '../src/jobs/job-run';
import { JobRunner } from '../src/jobs/job-runner.service';
import { ValidityCheckRepository } from '../src/validity-check/validity-check.repository';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/app';
import { dossierRow } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

// 23:30 in Paris on 30 June 2021: the last valid day of the default APT (2020-09-21 → 2021-06-30).
const LAST_EVENING = new Date('2021-06-30T21:30:00Z');
const NEXT_MORNING = new Date('2021-06-30T22:30:00Z');

describe('validity checks (PostgreSQL, over HTTP)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('validity');
    t = await createTestApp({ DATABASE_URL: db.url }, LAST_EVENING);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });
  beforeEach(() => t.reset());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  const check = (id: number | string, date: string) => get(`/api/v1/apt_validity_check/${id}/${date}`);
  const runJob = (name: JobName, full = false) => t.app.get(JobRunner).runToEnd(name, { trigger: 'cli', full });

  it('answers the original JSON for a valid autorisation, ds_id as a number', async () => {
    await t.insertDossiers([dossierRow({ dossierId: 4518237 })]);
    const run = await runJob('validity-check');
    expect(run).toMatchObject({ status: 'succeeded', read: 1, written: 1, skipped: 0 });

    const res = await check(4518237, '1998-03-07');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: [
        {
          champs: [
            { value: 'VIETNAM', type_de_champ: { libelle: 'Nationalité' } },
            { value: 'Hanoï', type_de_champ: { libelle: 'Lieu de naissance' } },
            { value: 'Serveuse', type_de_champ: { libelle: 'Emploi occupé' } },
            { value: 'contrat à durée déterminée (CDD)', type_de_champ: { libelle: 'Type de contrat' } },
            { value: '20 heures/semaine', type_de_champ: { libelle: "Nombre d'heures" } },
          ],
          type: 'autorisation',
          date_de_debut_apt: '2020-09-21',
          date_de_fin_apt: '2021-06-30',
          date_de_naissance: '1998-03-07',
          ds_id: 4518237,
          has_expired: false,
          nom: '*g****',
          prenom: '*h* ***',
          siret: '81234567800021',
        },
      ],
      status: 'valid',
    });
    expect((await check(4518237, '1998-03-08')).json()).toEqual({ data: [], status: 'invalid' });
    expect((await check(999999, '1998-03-07')).json()).toEqual({ data: [], status: 'invalid' });
  });

  it('keeps the APT valid through its last day in Paris, then drops it, and never drops introductions (introductions-never-expire, apt-valid-through-last-paris-day)', async () => {
    await t.insertDossiers([
      dossierRow({ dossierId: 500001 }),
      dossierRow({
        procedureId: 33588,
        dossierId: 500002,
        group: { id: '75', label: '75 - Paris', type: 'introduction' },
      }),
    ]);
    await runJob('validity-check');
    expect((await check(500001, '1998-03-07')).json().status).toBe('valid');

    t.clock.set(NEXT_MORNING);
    // Already invalid before the cleaner runs: the answer never depends on the cleaner's timing.
    expect((await check(500001, '1998-03-07')).json().status).toBe('invalid');
    const run = await runJob('validity-check-cleaner');
    expect(run).toMatchObject({ status: 'succeeded', written: 1 });
    expect(await t.app.get(ValidityCheckRepository).count()).toBe(1);

    const intro = (await check(500002, '1998-03-07')).json();
    expect(intro.status).toBe('valid');
    expect(intro.data[0]).toMatchObject({ type: 'introduction', date_de_debut_apt: '', date_de_fin_apt: '' });
  });

  it('gives no check to dossiers that do not prove a valid APT, and skips broken ones without stopping (malformed-dossier-skipped-not-blocking)', async () => {
    await t.insertDossiers([
      dossierRow({ dossierId: 600001 }),
      dossierRow({ dossierId: 600002, annotations: { 'Date de fin APT': '' } }),
      dossierRow({ dossierId: 600003, annotations: { 'Date de début APT': null } }),
      dossierRow({
        dossierId: 600004,
        annotations: { 'Date de début APT': '2021-07-01', 'Date de fin APT': '2021-06-30' },
      }),
      dossierRow({ dossierId: 600005, annotations: { 'Date de fin APT': '2021-06-29' } }),
      dossierRow({ dossierId: 600006, state: 'refused' }),
      dossierRow({ dossierId: 600007, state: 'received', processedAt: null }),
      dossierRow({ dossierId: 600008, champs: { Nom: null } }),
      dossierRow({ dossierId: 600009, champs: { 'Date de naissance': '1999-02-30' } }),
      dossierRow({ dossierId: 600010, siret: null }),
      dossierRow({ dossierId: 600011, champs: { Prénom: null } }),
    ]);
    const run = await runJob('validity-check');
    expect(run).toMatchObject({ status: 'succeeded', read: 11, skipped: 3 });
    expect(run.skippedKeys.map((s) => s.dsKey).sort()).toEqual(['14131-600008', '14131-600009', '14131-600010']);

    const statuses = await Promise.all(
      [600001, 600002, 600003, 600004, 600005, 600006, 600007, 600011].map(
        async (id) => (await check(id, '1998-03-07')).json().status,
      ),
    );
    expect(statuses).toEqual(['valid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'valid']);
    expect((await check(600011, '1998-03-07')).json().data[0].prenom).toBe('*o* *********');
  });

  it('skips a dossier whose values do not fit the table, and writes the others of its batch', async () => {
    await t.insertDossiers([
      dossierRow({ dossierId: 650001 }),
      dossierRow({ dossierId: 650002, champs: { Nom: 'D'.repeat(300) } }),
      dossierRow({ dossierId: 650003, siret: '1'.repeat(40) }),
      dossierRow({ dossierId: 650004 }),
      // Refused by the database only (a constraint no rule knows of): only this dossier is left out.
      dossierRow({ dossierId: 650005, siret: '99999999999999' }),
      // An astral second letter, masked whole (one UTF-16 unit at a time it would leave half a surrogate pair).
      dossierRow({ dossierId: 650006, champs: { Nom: 'D\u{1D4A9}upont' } }),
    ]);
    await t.databases.main.execute(
      sql`ALTER TABLE validity_check ADD CONSTRAINT no_test_siret CHECK (siret <> '99999999999999')`,
    );
    try {
      // Run twice: a failure would also leave the watermark where it was, failing every later run the same way.
      for (const full of [false, true]) {
        const run = await runJob('validity-check', full);
        expect(run).toMatchObject({ status: 'succeeded', read: 6, written: 3, skipped: 3 });
        expect(run.skippedKeys).toEqual([
          { dsKey: '14131-650002', reason: 'nom longer than 255 characters' },
          { dsKey: '14131-650003', reason: 'siret longer than 32 characters' },
          { dsKey: '14131-650005', reason: expect.stringMatching(/^rejected by the database: 23514 /) },
        ]);
        expect(JSON.stringify(run.skippedKeys)).not.toContain('99999999999999');
      }
    } finally {
      await t.databases.main.execute(sql`ALTER TABLE validity_check DROP CONSTRAINT no_test_siret`);
    }
    expect((await check(650001, '1998-03-07')).json().status).toBe('valid');
    expect((await check(650004, '1998-03-07')).json().status).toBe('valid');
    expect((await check(650002, '1998-03-07')).json().status).toBe('invalid');
    expect((await check(650005, '1998-03-07')).json().status).toBe('invalid');
    const astral = (await check(650006, '1998-03-07')).json();
    expect(astral).toMatchObject({ status: 'valid', data: [{ nom: '*\u{1D4A9}*****' }] });
  });

  it('cannot be fooled by separators typed into a champ: the real birth date stays the only valid one', async () => {
    const forged = 'Dupont\u001eDate de naissance\u001f1900-01-01\u001eNationalité\u001fFORGED';
    await t.insertDossiers([dossierRow({ dossierId: 700001, champs: { Nom: forged } })]);
    const run = await runJob('validity-check');
    expect(run).toMatchObject({ status: 'succeeded', written: 1, skipped: 0 });

    const real = (await check(700001, '1998-03-07')).json();
    expect(real.status).toBe('valid');
    expect(real.data[0].champs).toContainEqual({ value: 'VIETNAM', type_de_champ: { libelle: 'Nationalité' } });
    expect(JSON.stringify(real)).not.toContain('FORGED');
    expect((await check(700001, '1900-01-01')).json()).toEqual({ data: [], status: 'invalid' });
  });

  it('reads only what changed since the watermark, and updates or withdraws checks (validity-checks-follow-the-dossier)', async () => {
    await t.insertDossiers([
      dossierRow({ dossierId: 700001, lastModified: '2021-06-01T10:00:00Z' }),
      dossierRow({ dossierId: 700002, lastModified: '2021-06-01T10:00:00Z' }),
    ]);
    await runJob('validity-check');

    // The aggregator saves two changes after the run: a corrected end date and a withdrawal.
    t.clock.set(new Date('2021-06-30T21:45:00Z'));
    await t.databases.main.execute(
      `UPDATE dossier_record SET last_modified = '2021-06-30T21:40:00Z',
         ds_data = jsonb_set(ds_data, '{champs_private,1,value}', '"2021-12-31"') WHERE ds_key = '14131-700001'` as never,
    );
    await t.databases.main.execute(
      `UPDATE dossier_record SET last_modified = '2021-06-30T21:40:00Z', state = 'refused' WHERE ds_key = '14131-700002'` as never,
    );
    const run = await runJob('validity-check');
    expect(run).toMatchObject({ status: 'succeeded', read: 2 });
    expect(run.since?.toISOString()).toBe('2021-06-30T21:20:00.000Z');
    expect((await check(700001, '1998-03-07')).json().data[0].date_de_fin_apt).toBe('2021-12-31');
    expect((await check(700002, '1998-03-07')).json().status).toBe('invalid');

    // The overlap re-reads rows saved in the last 10 minutes before the watermark, then nothing.
    t.clock.set(new Date('2021-06-30T21:51:00Z'));
    expect(await runJob('validity-check')).toMatchObject({ read: 2 });
    t.clock.set(new Date('2021-06-30T23:00:00Z'));
    expect(await runJob('validity-check')).toMatchObject({ read: 0 });
  });

  it('rejects malformed input with a 400 JSON error, never a 5xx', async () => {
    for (const [id, date] of [
      ['abc', '1998-03-07'],
      ['123abc', '1998-03-07'],
      ['1234567890123456', '1998-03-07'],
      ['-5', '1998-03-07'],
      // Numbers in other notations are not 1 to 15 digits either.
      ['1e3', '1998-03-07'],
      ['0x10', '1998-03-07'],
      ['12.0', '1998-03-07'],
      [' 12', '1998-03-07'],
      ['123456', '1998-02-30'],
      ['123456', '1998-3-7'],
      ['123456', '07-03-1998'],
      ['123456', "1998-03-07' OR 1=1"],
    ]) {
      const res = await check(encodeURIComponent(id), encodeURIComponent(date));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, message: expect.any(String) });
    }
    expect((await get('/api/v1/apt_validity_check/123456')).statusCode).toBe(404);
  });

  it('protects the admin routes with the token and runs jobs from them', async () => {
    await t.insertDossiers([dossierRow({ dossierId: 800001 })]);
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/validity-checks/sync-all' })).statusCode).toBe(401);
    const wrong = { authorization: 'Bearer not-the-token-at-all-xxxxxx' };
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/admin/validity-checks/sync-all', headers: wrong })).statusCode,
    ).toBe(401);

    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const started = await t.app.inject({ method: 'POST', url: '/api/admin/validity-checks/sync-all', headers: auth });
    expect(started.statusCode).toBe(202);
    const { id } = started.json();
    let run;
    for (let i = 0; i < 100; i++) {
      run = (await get(`/api/admin/jobs/${id}`, auth)).json();
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run).toMatchObject({ id, job: 'validity-check', status: 'succeeded', counts: { read: 1, written: 1 } });
    const list = (await get('/api/admin/jobs', auth)).json();
    expect(list.map((r: { id: string }) => r.id)).toContain(id);
    expect((await get('/api/admin/jobs/not-a-uuid', auth)).statusCode).toBe(400);
    expect((await get('/api/admin/jobs?limit=abc', auth)).statusCode).toBe(400);
    expect((await get('/api/admin/jobs?limit=1', auth)).json()).toHaveLength(1);
    const maybe = await t.app.inject({
      method: 'POST',
      url: '/api/admin/jobs/validity-check/start?all=maybe',
      headers: auth,
    });
    expect(maybe.statusCode).toBe(400);
    expect(maybe.json().message).toBe('all must be true or false');
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/jobs/nope/start', headers: auth })).statusCode).toBe(
      404,
    );
  });

  it('never runs the same job twice at once', async () => {
    const runner = t.app.get(JobRunner);
    const first = await runner.start('validity-check', { trigger: 'cli' });
    await expect(runner.start('validity-check', { trigger: 'cli' })).rejects.toThrow(/already running/);
    await first.done;
    const again = await runner.start('validity-check', { trigger: 'cli' });
    await again.done;
  });

  it('reports liveness, readiness and serves the OpenAPI document', async () => {
    expect((await get('/api/liveness')).json()).toEqual({ status: 'ok' });
    expect((await get('/api/readiness')).json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', aggregator: 'ok' },
    });
    const doc = await get('/api/docs-json');
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/apt_validity_check/{ds_id}/{date}');
  });
});
