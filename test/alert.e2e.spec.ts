import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { dossierRecord } from '../src/database/aggregator-schema';
import { DossierRecordRow } from '../src/dossier-source/aggregator-row';
import { JobRunner } from '../src/jobs/job-runner.service';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/app';
import { dossierRow, RowOptions } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

// 10:00 in Paris on Wednesday 10 March 2021.
const NOW = new Date('2021-03-10T09:00:00Z');
const TWO_DAYS_LATER = new Date('2021-03-12T09:00:00Z');
const YESTERDAY = '2021-03-09T15:00:00.000Z';
const FIVE_DAYS_AGO = '2021-03-05T15:00:00.000Z';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const HEADERS = [
  'N° dossier',
  'Unité',
  'Date de décision',
  'État du dossier',
  'Alerte',
  'Instructeurs',
  'Lien démarches-simplifiées',
  'Détectée le',
  'Résolue le',
  'Courriel - destinataires',
  'Courriel - copie',
  'Courriel - état',
  'Courriel - date',
  'Courriel - objet',
];

/** A cell as text: days as `dd/mm/yyyy`, links as their address. */
function cellText(value: ExcelJS.CellValue): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10).split('-').reverse().join('/');
  if (value && typeof value === 'object' && 'hyperlink' in value) return value.hyperlink;
  return String(value ?? '');
}

/** An accepted APT decided `processedAt`, with these APT dates. */
const accepted = (dossierId: number, start: string | null, end: string | null, extra: Partial<RowOptions> = {}) =>
  dossierRow({
    dossierId,
    processedAt: YESTERDAY,
    lastModified: YESTERDAY,
    annotations: { 'Date de début APT': start, 'Date de fin APT': end },
    ...extra,
  });

/** A dossier waiting since `since`, unchanged since then. */
const waiting = (dossierId: number, state: 'initiated' | 'received', since: string) =>
  dossierRow({
    dossierId,
    state,
    initiatedAt: since,
    receivedAt: state === 'received' ? since : null,
    processedAt: null,
    lastModified: since,
    annotations: { 'Date de début APT': null, 'Date de fin APT': null },
  });

describe('alerts (PostgreSQL, over HTTP)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('alert');
    t = await createTestApp({ DATABASE_URL: db.url, CONTACT_EMAIL: 'suivi@workinfrance.test' }, NOW);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });
  beforeEach(() => t.reset());

  const request = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = AUTH) =>
    t.app.inject({ method, url: `/api/admin${url}`, headers });
  const runAlerts = (full = false) => t.app.get(JobRunner).runToEnd('alert', { trigger: 'cli', full });
  const listAlerts = async (query = '') => {
    const res = await request('GET', `/alerts${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as { items: Array<Record<string, unknown>>; total: number; page: number; pageSize: number };
  };
  const openTypes = async () =>
    (await listAlerts('?state=open')).items.map((a) => `${String(a.dsKey)} ${String(a.alertType)}`);
  const replaceDossier = async (row: DossierRecordRow) => {
    await t.databases.main.delete(dossierRecord).where(eq(dossierRecord.dsKey, row.ds_key));
    await t.insertDossiers([row]);
  };
  const countRows = async (table: 'alert' | 'mail_outbox') => {
    const result = (await t.databases.main.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))) as unknown as {
      rows: Array<{ n: number }>;
    };
    return result.rows[0].n;
  };
  const waitForRun = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const run = (await request('GET', `/jobs/${id}`)).json();
      if (run.status !== 'running') return run;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${id} did not end`);
  };
  const download = async (query = '') => {
    const res = await request('GET', `/alerts/download${query}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="WIF_dossiers-en-souffrance.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Dossiers en souffrance');
    if (!sheet) throw new Error('no alert sheet');
    const rows: string[][] = [];
    // Empty cells are not stored: read every column of every row.
    sheet.eachRow((row) => rows.push(HEADERS.map((_, i) => cellText(row.getCell(i + 1).value))));
    return { workbook, sheet, rows };
  };

  it('raises the delay alerts of an open dossier that never changed, at the first run past the threshold (delay-alerts-fire-after-max-days)', async () => {
    await t.insertDossiers([
      waiting(100001, 'received', '2021-03-04T10:00:00.000Z'),
      waiting(100002, 'initiated', '2021-03-03T10:00:00.000Z'),
    ]);
    expect(await runAlerts()).toMatchObject({ status: 'succeeded', read: 2, written: 0 });
    expect(await openTypes()).toEqual([]);

    // Two days later, neither dossier changed: the incremental run still re-evaluates them.
    t.clock.set(TWO_DAYS_LATER);
    const run = await runAlerts();
    expect(run.since?.toISOString()).toBe('2021-03-10T08:50:00.000Z');
    expect(run).toMatchObject({ status: 'succeeded', read: 2, written: 2 });
    expect(await openTypes()).toEqual([
      '14131-100001 receivedAndDelayTooLong',
      '14131-100002 initiatedAndDelayTooLong',
    ]);
    const { items } = await listAlerts('?type=receivedAndDelayTooLong');
    expect(items[0]).toMatchObject({
      message: "durée d'instruction de dossier dépassée",
      state: 'received',
      detectedAt: TWO_DAYS_LATER.toISOString(),
      resolvedAt: null,
      mail: null,
      url: 'https://www.demarches-simplifiees.fr/procedures/14131/dossiers/100001',
      group: { id: '75', label: '75 - Paris', type: 'autorisation' },
    });
    // Delay alerts mail nobody.
    expect(await countRows('mail_outbox')).toBe(0);
  });

  it('skips a dossier whose group does not fit the table, and writes the alerts of the others', async () => {
    const longGroup = { id: 'G'.repeat(40), label: 'Groupe', type: 'autorisation' as const };
    await t.insertDossiers([
      accepted(110001, '2021-03-01', null),
      accepted(110002, '2021-03-01', null, { group: longGroup }),
      accepted(110003, '2021-03-01', null),
    ]);
    const run = await runAlerts();
    expect(run).toMatchObject({ status: 'succeeded', read: 3, written: 2, skipped: 1 });
    expect(run.skippedKeys).toEqual([{ dsKey: '14131-110002', reason: 'group_id longer than 32 characters' }]);
    expect(await openTypes()).toEqual([
      '14131-110001 closedWithoutDateDebutOrDateFin',
      '14131-110003 closedWithoutDateDebutOrDateFin',
    ]);
    // A full run meets the same dossier again and still succeeds.
    expect(await runAlerts(true)).toMatchObject({ status: 'succeeded', read: 3, skipped: 1 });
  });

  it('queues no mail for a dossier whose alert the database refuses', async () => {
    // A refusal no rule foresees: the database alone turns this one dossier's alert down.
    await t.databases.main.execute(
      sql.raw(`ALTER TABLE alert ADD CONSTRAINT refuse_one CHECK (ds_key <> '14131-120002') NOT VALID`),
    );
    try {
      await t.insertDossiers([
        accepted(120001, '2021-03-01', null),
        accepted(120002, '2021-03-01', null),
        accepted(120003, '2021-03-01', null),
      ]);
      const run = await runAlerts();
      expect(run).toMatchObject({ status: 'succeeded', read: 3, skipped: 1 });
      expect(run.skippedKeys).toEqual([
        { dsKey: '14131-120002', reason: expect.stringMatching(/^rejected by the database: 23514 /) },
      ]);
      expect(await countRows('alert')).toBe(2);
      // Two mails, one per alert written: none for the refused one.
      expect(await countRows('mail_outbox')).toBe(2);
    } finally {
      await t.databases.main.execute(sql.raw(`ALTER TABLE alert DROP CONSTRAINT refuse_one`));
    }
  });

  it('resolves an alert whose condition no longer holds, with the date, and reopens it without a second mail', async () => {
    await t.insertDossiers([
      accepted(200001, '2021-03-15', ''),
      waiting(200002, 'received', '2021-02-01T10:00:00.000Z'),
    ]);
    await runAlerts();
    expect(await openTypes()).toEqual([
      '14131-200001 closedWithoutDateDebutOrDateFin',
      '14131-200002 receivedAndDelayTooLong',
    ]);
    expect(await countRows('mail_outbox')).toBe(1);

    // The instructor fills the end date in; the other dossier gets its decision.
    t.clock.set(TWO_DAYS_LATER);
    const fixedAt = '2021-03-12T08:00:00.000Z';
    await replaceDossier(accepted(200001, '2021-03-15', '2021-09-14', { lastModified: fixedAt }));
    await replaceDossier(accepted(200002, '2021-03-15', '2021-09-14', { lastModified: fixedAt, processedAt: fixedAt }));
    expect(await runAlerts()).toMatchObject({ status: 'succeeded', read: 2, written: 2 });
    expect(await openTypes()).toEqual([]);
    const resolved = await listAlerts('?state=resolved');
    expect(resolved.total).toBe(2);
    expect(resolved.items.map((a) => a.resolvedAt)).toEqual([
      TWO_DAYS_LATER.toISOString(),
      TWO_DAYS_LATER.toISOString(),
    ]);
    expect(resolved.items[1]).toMatchObject({ alertType: 'receivedAndDelayTooLong', state: 'received' });

    // The date is erased again: the same alert reopens, and its mail was already queued once.
    const reopenedAt = new Date('2021-03-12T10:00:00Z');
    t.clock.set(reopenedAt);
    await replaceDossier(accepted(200001, '2021-03-15', null, { lastModified: '2021-03-12T09:30:00.000Z' }));
    expect(await runAlerts()).toMatchObject({ status: 'succeeded', written: 1 });
    expect(await openTypes()).toEqual(['14131-200001 closedWithoutDateDebutOrDateFin']);
    const [reopened] = (await listAlerts('?state=open')).items;
    expect(reopened).toMatchObject({ resolvedAt: null, detectedAt: NOW.toISOString() });
    expect(await countRows('alert')).toBe(2);
    expect(await countRows('mail_outbox')).toBe(1);
  });

  it('never duplicates an alert, on reruns and on sync-all (one-alert-per-dossier-and-type)', async () => {
    await t.insertDossiers([
      accepted(300001, '2021-03-15', '2021-03-01'),
      accepted(300002, '2021-01-01', '2022-06-30', {
        messages: [{ email: 'rh.recrutement@exemple-sas.fr', createdAt: '2021-03-09T18:00:00.000Z' }],
      }),
      waiting(300003, 'initiated', '2021-01-01T10:00:00.000Z'),
    ]);
    await runAlerts();
    const first = await listAlerts();
    expect(first.total).toBe(4);
    expect(first.items.map((a) => a.alertType)).toEqual([
      'closedWithDebutSupFin',
      'closedAndMessageReceived',
      'closedWithSupOneYear',
      'initiatedAndDelayTooLong',
    ]);

    expect(await runAlerts()).toMatchObject({ status: 'succeeded', written: 0 });
    expect(await runAlerts(true)).toMatchObject({ status: 'succeeded', read: 3, written: 0 });
    const started = await request('POST', '/alerts/sync-all');
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ job: 'alert', status: 'running', params: { full: true } });
    expect(await waitForRun(started.json().id)).toMatchObject({ status: 'succeeded', counts: { read: 3, written: 0 } });

    expect(await countRows('alert')).toBe(4);
    expect(await countRows('mail_outbox')).toBe(2);
    expect((await listAlerts()).items).toEqual(first.items);
  });

  it('deletes the alerts but keeps the mails, so that sync-all queues no mail twice (alert-mails-outlive-deleted-alerts)', async () => {
    await t.insertDossiers([accepted(400001, null, '2021-09-14'), accepted(400002, '2021-03-15', '2021-03-14')]);
    await runAlerts();
    expect(await countRows('mail_outbox')).toBe(2);

    const deleted = await request('DELETE', '/alerts');
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ message: '2 alertes supprimées', deleted: 2 });
    expect((await listAlerts()).total).toBe(0);
    expect(await countRows('mail_outbox')).toBe(2);

    const started = await request('POST', '/alerts/sync-all');
    await waitForRun(started.json().id);
    const { items } = await listAlerts();
    expect(items.map((a) => a.alertType)).toEqual(['closedWithoutDateDebutOrDateFin', 'closedWithDebutSupFin']);
    expect(items.map((a) => (a.mail as { state: string }).state)).toEqual(['to_send', 'to_send']);
    expect(await countRows('mail_outbox')).toBe(2);
    expect((await request('DELETE', '/alerts')).json()).toEqual({ message: '2 alertes supprimées', deleted: 2 });
    expect((await request('DELETE', '/alerts')).json()).toEqual({ message: '0 alerte supprimée', deleted: 0 });
  });

  it('records the mail of a decision more than 2 days old as blocked, never to be sent', async () => {
    await t.insertDossiers([
      accepted(500001, '2021-03-15', '2021-03-01', { processedAt: FIVE_DAYS_AGO }),
      accepted(500002, '2021-03-15', '2021-03-01', { processedAt: YESTERDAY }),
      // The same alert for an introduction does not exist: no APT dates to check.
      accepted(500003, null, null, { group: { id: '75', label: '75 - Paris', type: 'introduction' } }),
    ]);
    await runAlerts();
    const { items } = await listAlerts();
    expect(items.map((a) => [a.dsKey, (a.mail as { state: string }).state])).toEqual([
      ['14131-500001', 'blocked'],
      ['14131-500002', 'to_send'],
    ]);
    expect(items[0].mail).toMatchObject({ processedAt: NOW.toISOString(), attempts: 0 });
  });

  it('lists alerts page by page with filters, and refuses bad filters with a 400 JSON error', async () => {
    await t.insertDossiers([
      accepted(600001, '2021-03-15', '2021-03-01'),
      accepted(600002, '2021-03-15', '2021-03-01'),
      accepted(600003, '2021-03-15', '2022-09-01'),
      waiting(600004, 'received', '2021-01-01T10:00:00.000Z'),
      dossierRow({
        procedureId: 12858,
        dossierId: 600005,
        group: { id: '13', label: '13 - Bouches du Rhône', type: 'autorisation' },
        processedAt: YESTERDAY,
        annotations: { 'Date de fin APT': '' },
      }),
    ]);
    await runAlerts();
    const page1 = await listAlerts('?pageSize=2');
    expect(page1).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(page1.items.map((a) => a.dsKey)).toEqual(['12858-600005', '14131-600001']);
    const page3 = await listAlerts('?pageSize=2&page=3');
    expect(page3.items.map((a) => a.dsKey)).toEqual(['14131-600004']);
    expect((await listAlerts('?pageSize=2&page=4')).items).toEqual([]);
    expect((await listAlerts()).pageSize).toBe(50);

    expect((await listAlerts('?group=13')).items.map((a) => a.dsKey)).toEqual(['12858-600005']);
    expect((await listAlerts('?type=closedWithDebutSupFin')).total).toBe(2);
    expect((await listAlerts('?group=75&type=closedWithSupOneYear&state=open')).items.map((a) => a.dsKey)).toEqual([
      '14131-600003',
    ]);
    expect((await listAlerts('?state=resolved')).total).toBe(0);

    for (const query of [
      '?type=nope',
      '?state=closed',
      '?page=0',
      '?page=abc',
      '?page=99999999999999999999',
      '?pageSize=501',
      '?pageSize=1.5',
      '?group=75%27%20OR%201%3D1',
      '?group=',
      '?unknown=1',
      '?type=closedWithDebutSupFin&type=closedWithSupOneYear',
    ]) {
      for (const path of ['/alerts', '/alerts/download']) {
        if (path.endsWith('download') && /page/.test(query)) continue;
        const res = await request('GET', `${path}${query}`);
        expect({ query, path, status: res.statusCode }).toEqual({ query, path, status: 400 });
        expect(res.json()).toMatchObject({ statusCode: 400, message: expect.anything() });
      }
    }
  });

  it('answers 401 to every alert route without the admin token', async () => {
    for (const [method, url] of [
      ['GET', '/alerts'],
      ['GET', '/alerts/download'],
      ['POST', '/alerts/sync-all'],
      ['DELETE', '/alerts'],
    ] as const) {
      expect((await request(method, url, {})).statusCode).toBe(401);
      expect((await request(method, url, { authorization: 'Bearer wrong-token-wrong-token' })).statusCode).toBe(401);
    }
    expect(await countRows('alert')).toBe(0);
  });

  it('downloads a valid workbook with the headers only when there is no alert (downloads-whole-or-404)', async () => {
    const { workbook, sheet, rows } = await download();
    expect(rows).toEqual([HEADERS]);
    expect(sheet.columns.map((c) => c.width)).toEqual([10, 16, 11, 13, 34, 24, 14, 11, 11, 24, 24, 14, 11, 30]);
    expect(workbook.creator).toBe('Work In France');
    expect((await download('?group=75&type=closedWithSupOneYear&state=resolved')).rows).toEqual([HEADERS]);
  });

  it('downloads the alerts with dossier numbers, day cells, French states, the mail in columns, filtered', async () => {
    await t.insertDossiers([
      accepted(700001, '2021-03-15', '2021-03-01', {
        processedAt: FIVE_DAYS_AGO,
        instructeurs: ['paul.durand@direccte.gouv.fr', 'claire.martin@dreets.gouv.fr'],
      }),
      accepted(700002, '2021-03-15', ''),
      waiting(700003, 'received', '2021-01-01T10:00:00.000Z'),
      dossierRow({
        procedureId: 33588,
        dossierId: 700004,
        state: 'refused',
        group: { id: '75', label: '75 - Paris', type: 'introduction' },
        processedAt: YESTERDAY,
        messages: [{ email: 'etudiant@exemple.net', createdAt: '2021-03-09T20:00:00.000Z' }],
      }),
    ]);
    await runAlerts();
    // 700003 gets its decision: its delay alert is resolved.
    t.clock.set(TWO_DAYS_LATER);
    await replaceDossier(
      accepted(700003, '2021-03-15', '2021-09-14', {
        processedAt: '2021-03-11T10:00:00.000Z',
        lastModified: '2021-03-11T10:00:00.000Z',
      }),
    );
    await runAlerts();

    const { rows } = await download();
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['700001', '700002', '700003', '700004']);
    const [blocked, toSend, resolved, introduction] = rows.slice(1);
    expect(blocked).toEqual([
      '700001',
      '75 - Paris',
      '05/03/2021',
      'Accepté',
      'dossier accepté, date de fin APT antérieure à Date de début APT',
      'paul.durand@direccte.gouv.fr, claire.martin@dreets.gouv.fr',
      'https://www.demarches-simplifiees.fr/procedures/14131/dossiers/700001',
      '10/03/2021',
      '',
      'rh.recrutement@exemple-sas.fr',
      'paul.durand@direccte.gouv.fr, claire.martin@dreets.gouv.fr',
      'Non envoyé (bloqué)',
      '10/03/2021',
      'Erreur sur votre APT WorkInFrance nº700001 / UD75',
    ]);
    expect(toSend.slice(11, 13)).toEqual(['À envoyer', '']);
    expect(resolved.slice(2, 5)).toEqual(['', 'En instruction', "durée d'instruction de dossier dépassée"]);
    expect(resolved.slice(8)).toEqual(['12/03/2021', '', '', '', '', '']);
    expect(introduction.slice(0, 5)).toEqual([
      '700004',
      '75 - Paris (introduction)',
      '09/03/2021',
      'Refusé',
      'dossier archivé et message envoyé après refus',
    ]);

    const only = async (query: string) => (await download(query)).rows.slice(1).map((r) => r[0]);
    expect(await only('?state=resolved')).toEqual(['700003']);
    expect(await only('?state=open')).toEqual(['700001', '700002', '700004']);
    expect(await only('?type=closedWithoutDateDebutOrDateFin')).toEqual(['700002']);
    expect(await only('?group=75&type=refusedAndMessageReceived')).toEqual(['700004']);
    expect(await only('?group=13')).toEqual([]);
  });

  it('streams every alert once, in order, across many pages', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => 900000 + i);
    await t.insertDossiers(ids.map((id) => accepted(id, '2021-03-15', '2021-03-01')));
    await runAlerts();
    const { rows } = await download();
    expect(rows.slice(1).map((r) => r[0])).toEqual(ids.map((id) => String(id)));
    expect((await download('?type=closedWithDebutSupFin&state=open')).rows).toHaveLength(231);
  });
});
