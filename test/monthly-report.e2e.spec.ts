import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { procedureConfig } from '../src/database/aggregator-schema';
import { queryRows } from '../src/database/database';
import { JobRunner } from '../src/jobs/job-runner.service';
import { CHART_CID } from '../src/monthly-report/monthly-report.mail';
import { MonthlyReport } from '../src/monthly-report/monthly-report.types';
import { ADMIN_TOKEN, createMailTestApp, MailTestApp, TestApp } from './helpers/app';
import { dossierRow, RowOptions } from './helpers/dossier-row';
import { TestSmtpServer } from './helpers/smtp';

// 08:00 in Paris on 1 October 2020, when the cron builds September.
const NOW = new Date('2020-10-01T06:00:00Z');
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const BASE = '/api/admin/monthly-reports';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const NATIONAL = 'pilotage@travail.test';
const UD75 = 'ud75@dreets.test';
const DS = 'https://www.demarches-simplifiees.fr';

const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { id: '75', label: '75 - Paris', type: 'introduction' as const };
const BOUCHES_DU_RHONE = { id: '13', label: '13 - Bouches du Rhône', type: 'autorisation' as const };
const link = (procedure: number, dossier: number) => `${DS}/procedures/${procedure}/dossiers/${dossier}`;

const row = (dossierId: number, processedAt: string, o: Partial<RowOptions> = {}) =>
  dossierRow({ dossierId, processedAt, initiatedAt: '2020-09-01T08:00:00Z', ...o });

/** August and September 2020 in two Paris groups and the Bouches-du-Rhône. */
const DOSSIERS = [
  row(5001, '2020-08-10T10:00:00Z', { initiatedAt: '2020-08-01T08:00:00Z' }),
  row(5002, '2020-08-11T10:00:00Z', { state: 'refused', initiatedAt: '2020-08-01T08:00:00Z' }),
  row(5003, '2020-08-12T10:00:00Z', { state: 'refused', initiatedAt: '2020-08-01T08:00:00Z' }),
  row(5101, '2020-09-10T10:00:00Z', { champs: { Nationalité: 'CHINE' } }),
  row(5102, '2020-09-12T10:00:00Z', { champs: { Nationalité: 'CHINE' } }),
  row(5103, '2020-09-15T10:00:00Z', {
    initiatedAt: '2020-09-05T08:00:00Z',
    champs: { Nationalité: 'MAROC' },
    annotations: { 'Date de début APT': '2020-09-01', 'Date de fin APT': '2020-10-15' },
  }),
  row(5104, '2020-09-20T10:00:00Z', { state: 'refused', champs: { Nationalité: 'ALGERIE' } }),
  row(5105, '2020-09-21T10:00:00Z', { state: 'without_continuation', champs: { Nationalité: null } }),
  row(6101, '2020-09-18T10:00:00Z', { procedureId: 33588, group: PARIS_INTRODUCTION }),
  row(7101, '2020-09-25T10:00:00Z', { procedureId: 12858, group: BOUCHES_DU_RHONE, state: 'refused' }),
];

async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

function values(sheet: ExcelJS.Worksheet, fromRow: number, toRow: number, columns: string[]): unknown[][] {
  const result: unknown[][] = [];
  for (let r = fromRow; r <= toRow; r++) result.push(columns.map((c) => sheet.getCell(`${c}${r}`).value));
  return result;
}

describe('monthly reports (PostgreSQL, over HTTP, with a real SMTP server)', () => {
  let mail: MailTestApp | undefined;
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    mail = await createMailTestApp(
      'monthly_report',
      {
        MONTHLY_REPORT_FIRST_MONTH: '2020-07',
        // The original variable name, still read.
        MONTHLY_REPORT_EMAIL_RECEPIENT: NATIONAL,
        MONTHLY_REPORT_RECIPIENTS_75: UD75,
        MONTHLY_REPORT_RECIPIENTS_75_INTRODUCTION: `${UD75},${NATIONAL.toUpperCase()}`,
      },
      NOW,
      { multipart: true },
    );
    ({ t, smtp } = mail);
    // Three groups rather than the 37 real ones keep the national mail readable.
    await t.databases.main.delete(procedureConfig);
    await t.databases.main.insert(procedureConfig).values([
      { procedures: [12858, 12859], group: BOUCHES_DU_RHONE },
      { procedures: [14131, 13760, 3272], group: PARIS },
      { procedures: [33588], group: PARIS_INTRODUCTION },
    ]);
  });
  afterAll(() => mail?.close());
  beforeEach(async () => {
    await t.reset();
    smtp.clear();
    await t.insertDossiers(DOSSIERS);
  });

  const get = (url: string, headers: Record<string, string> = AUTH) => t.app.inject({ method: 'GET', url, headers });
  const runJob = (params: Record<string, unknown> = {}, trigger: 'cron' | 'cli' = 'cli', full = false) =>
    t.app.get(JobRunner).runToEnd('monthly-report', { trigger, params, full });
  const stored = () =>
    queryRows<{ year: number; month: number; group_id: string; group_type: string }>(
      t.databases.main,
      sql`SELECT year, month, group_id, group_type FROM monthly_report ORDER BY 1, 2, 3, 4`,
    );

  describe('jobs', () => {
    it('builds the previous Paris month for every group from the cron, and mails it', async () => {
      const run = await runJob({}, 'cron');
      expect(run).toMatchObject({ status: 'succeeded', progressDone: 1, progressTotal: 1, written: 3, read: 7 });
      expect(await stored()).toEqual([
        { year: 2020, month: 9, group_id: '13', group_type: 'autorisation' },
        { year: 2020, month: 9, group_id: '75', group_type: 'autorisation' },
        { year: 2020, month: 9, group_id: '75', group_type: 'introduction' },
      ]);
      // The national summary, and the unit mails: UD75 for both Paris units, the national address for one.
      expect(smtp.received).toHaveLength(4);
    });

    it('builds one month without mail, with the change against the month before computed in the same pass', async () => {
      const run = await runJob({ month: '2020-09' });
      expect(run).toMatchObject({ status: 'succeeded', progressDone: 1, progressTotal: 1, written: 3 });
      expect(smtp.received).toEqual([]);
      const paris = (await get(`${BASE}/2020/9`)).json()[1] as MonthlyReport;
      expect(paris.previousCounts).toEqual({
        more3Months: 1,
        less3Months: 0,
        unknownDuration: 0,
        refused: 2,
        withoutContinuation: 0,
      });
    });

    it('rebuilds every month from the first one with its progress, the same reports as month by month', async () => {
      await runJob({ month: '2020-09' });
      const single = (await get(`${BASE}/2020/9`)).json();
      const run = await runJob({}, 'cli', true);
      expect(run).toMatchObject({ status: 'succeeded', progressDone: 3, progressTotal: 3, written: 9, read: 10 });
      expect((await stored()).map((r) => `${r.year}-${r.month}`)).toEqual([
        ...Array(3).fill('2020-7'),
        ...Array(3).fill('2020-8'),
        ...Array(3).fill('2020-9'),
      ]);
      expect((await get(`${BASE}/2020/9`)).json()).toEqual(single);
      // The first report month has no previous one.
      expect((await get(`${BASE}/2020/7`)).json()[1].previousCounts).toBeNull();
      expect(smtp.received).toEqual([]);
    });

    it('skips a group that does not fit the table, and stores the month of the others', async () => {
      const longGroup = { id: 'G'.repeat(40), label: 'Groupe mal saisi', type: 'autorisation' as const };
      await t.insertDossiers([row(9101, '2020-09-20T10:00:00Z', { procedureId: 99999, group: longGroup })]);
      const run = await runJob({ month: '2020-09' });
      expect(run).toMatchObject({ status: 'succeeded', written: 3, skipped: 1 });
      expect(run.skippedKeys).toEqual([
        { dsKey: `${longGroup.id}/autorisation`, reason: 'group_id longer than 32 characters' },
      ]);
      expect((await stored()).map((r) => `${r.group_id}/${r.group_type}`)).toEqual([
        '13/autorisation',
        '75/autorisation',
        '75/introduction',
      ]);
    });

    it('fails a run with a malformed month, and records why', async () => {
      const run = await runJob({ month: '2020-9' });
      expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/YYYY-MM/) });
    });

    it('starts the full rebuild from the API and shows its progress on the job run', async () => {
      const started = await t.app.inject({ method: 'POST', url: `${BASE}/sync-all`, headers: AUTH });
      expect(started.statusCode).toBe(202);
      const { id } = started.json();
      let run: { status: string; progress: unknown; params: unknown } | undefined;
      for (let i = 0; i < 200; i++) {
        run = (await get(`/api/admin/jobs/${id}`)).json();
        if (run?.status !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(run).toMatchObject({ status: 'succeeded', progress: { done: 3, total: 3 }, params: { full: true } });
      expect(smtp.received).toEqual([]);
    });
  });

  describe('routes', () => {
    it('answers every group of the month as JSON, September as 9 or 09', async () => {
      await runJob({ month: '2020-09' });
      const res = await get(`${BASE}/2020/09`);
      expect(res.statusCode).toBe(200);
      const reports = res.json() as MonthlyReport[];
      expect((await get(`${BASE}/2020/9`)).json()).toEqual(reports);
      expect(reports.map((r) => r.group)).toEqual([BOUCHES_DU_RHONE, PARIS, PARIS_INTRODUCTION]);
      expect(reports[1]).toMatchObject({
        year: 2020,
        month: 9,
        categories: {
          more3Months: {
            count: 2,
            countries: { CHINE: 2 },
            dossiers: [link(14131, 5101), link(14131, 5102)],
            processingDays: { median: 10, p90: 10.8 },
          },
          less3Months: { count: 1, countries: { MAROC: 1 }, processingDays: { median: 10, p90: 10 } },
          unknownDuration: { count: 0, countries: {}, dossiers: [] },
          refused: { count: 1, countries: { ALGERIE: 1 }, dossiers: [link(14131, 5104)] },
          withoutContinuation: { count: 1, countries: { 'non renseigné': 1 }, dossiers: [link(14131, 5105)] },
        },
      });
      expect(reports[2].categories.unknownDuration).toMatchObject({ count: 1, dossiers: [link(33588, 6101)] });
    });

    it('downloads a unit workbook, complete and readable, named after the month and the unit', async () => {
      await runJob({ month: '2020-09' });
      const res = await get(`${BASE}/2020/9/75/download`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toBe('attachment; filename="WIF_2020-09_ud75.xlsx"');
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
      const workbook = await readWorkbook(res.rawPayload);
      expect(workbook.worksheets.map((s) => s.name)).toEqual([
        '2020-09 - Synthèse',
        '2020-09 - dossiers refusés',
        '2020-09 - dossiers sans suite',
      ]);
      const synthesis = workbook.getWorksheet('2020-09 - Synthèse')!;
      expect(values(synthesis, 4, 6, ['B', 'C', 'F', 'G'])).toEqual([
        ['Année', 2020, 'APT acceptées', 3],
        ['Mois', 'septembre', 'APT refusées', 1],
        ['Unité', '75 - Paris', 'APT sans suite', 1],
      ]);
      expect(values(synthesis, 10, 10, ['B', 'C', 'D', 'E', 'F', 'G'])).toEqual([
        ['Dossiers', 3, 'Dossiers', 2, 'Dossiers', 1],
      ]);
      expect(values(synthesis, 14, 16, ['B', 'C', 'D', 'E', 'F', 'G'])).toEqual([
        ['CHINE', 2, 'CHINE', 2, 'MAROC', 1],
        ['MAROC', 1, null, null, null, null],
        [null, null, null, null, null, null],
      ]);
      // The chart of the last twelve months: only July to September were built, the rest is unknown.
      expect(synthesis.getImages()).toHaveLength(1);
      expect(synthesis.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToWidth: 1 });
      // The stored report now carries each refused dossier's number, decision day and nationality.
      expect(values(workbook.getWorksheet('2020-09 - dossiers refusés')!, 5, 5, ['B', 'C', 'D', 'E'])).toEqual([
        [
          5104,
          new Date('2020-09-20T00:00:00Z'),
          'ALGERIE',
          { text: 'Ouvrir le dossier', hyperlink: link(14131, 5104) },
        ],
      ]);
      expect(values(workbook.getWorksheet('2020-09 - dossiers sans suite')!, 5, 5, ['B', 'D'])).toEqual([
        [5105, 'non renseigné'],
      ]);

      const introduction = await get(`${BASE}/2020/09/75-introduction/download`);
      expect(introduction.statusCode).toBe(200);
      expect(introduction.headers['content-disposition']).toBe(
        'attachment; filename="WIF_2020-09_ud75-introduction.xlsx"',
      );
      const intro = (await readWorkbook(introduction.rawPayload)).getWorksheet('2020-09 - Synthèse')!;
      expect(intro.getCell('C6').value).toBe('75 - Paris (introduction)');
    });

    it('downloads the national workbook: a row per unit with totals, and the months of the year', async () => {
      await runJob({}, 'cli', true);
      const res = await get(`${BASE}/2020/9/download`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toBe('attachment; filename="WIF_2020-09_national.xlsx"');
      const workbook = await readWorkbook(res.rawPayload);
      const units = workbook.getWorksheet('2020-09 - National')!;
      const columns = ['B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'];
      expect(values(units, 5, 8, columns)).toEqual([
        ['13 - Bouches du Rhône', 'Autorisation', 0, 0, 0, 1, 0, 1],
        ['75 - Paris', 'Autorisation', 2, 1, 0, 1, 1, 5],
        ['75 - Paris', 'Introduction', 0, 0, 1, 0, 0, 1],
        ['Total', null, 2, 1, 1, 2, 1, 7],
      ]);
      const months = workbook.getWorksheet('2020 - Mois par mois')!;
      expect(values(months, 5, 8, columns)).toEqual([
        ['juillet', 0, 0, 0, 0, 0, 0, null],
        ['août', 1, 0, 0, 2, 0, 3, null],
        ['septembre', 2, 1, 1, 2, 1, 7, null],
        ['Total', 3, 1, 1, 4, 1, 10, null],
      ]);
    });

    it('answers the national figures of the month as the national mail shows them', async () => {
      await runJob({}, 'cli', true);
      const res = await get(`${BASE}/2020/9/summary`);
      expect(res.statusCode).toBe(200);
      const summary = res.json();
      expect(summary).toMatchObject({
        period: 'septembre 2020',
        accepted: 4,
        total: 7,
        previousTotal: 3,
        counts: { more3Months: 2, less3Months: 1, unknownDuration: 1, refused: 2, withoutContinuation: 1 },
      });
      expect(summary.units.map((u: { label: string; total: number }) => [u.label, u.total])).toEqual([
        ['13 - Bouches du Rhône', 1],
        ['75 - Paris', 5],
        ['75 - Paris (introduction)', 1],
      ]);
      expect(summary.trend).toHaveLength(12);
      // Built from July 2020: the months before are unknown, not zero.
      expect(summary.trend.map((p: { counts: unknown }) => p.counts === null)).toEqual([
        ...Array(9).fill(true),
        false,
        false,
        false,
      ]);
      expect((await get(`${BASE}/2020/5/summary`)).statusCode).toBe(404);
    });

    it('answers 404 with a JSON error when there is no report, never an empty file', async () => {
      for (const url of [`${BASE}/2020/9`, `${BASE}/2020/9/75/download`, `${BASE}/2020/9/download`]) {
        const res = await get(url);
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.json()).toMatchObject({ statusCode: 404, message: expect.stringContaining('septembre 2020') });
      }
      await runJob({ month: '2020-09' });
      expect((await get(`${BASE}/2020/9/99/download`)).statusCode).toBe(404);
      expect((await get(`${BASE}/2020/9/13-introduction/download`)).statusCode).toBe(404);
    });

    it('rejects malformed years, months and units with a 400 JSON error', async () => {
      const bad = [
        `${BASE}/2017/9`,
        `${BASE}/2101/9`,
        `${BASE}/20x0/9`,
        `${BASE}/2020/0`,
        `${BASE}/2020/13`,
        `${BASE}/2020/009`,
        `${BASE}/2020/9x/download`,
        `${BASE}/2020/9/75-intro/download`,
        `${BASE}/2020/9/ABCDE/download`,
        `${BASE}/2020/9/${encodeURIComponent("75' OR '1'='1")}/download`,
      ];
      for (const url of bad) {
        const res = await get(url);
        expect([url, res.statusCode]).toEqual([url, 400]);
        expect(res.json()).toMatchObject({ statusCode: 400, message: expect.any(String) });
      }
    });

    it('requires the admin token', async () => {
      for (const url of [`${BASE}/2020/9`, `${BASE}/2020/9/75/download`, `${BASE}/2020/9/download`]) {
        expect((await get(url, {})).statusCode).toBe(401);
      }
      expect((await t.app.inject({ method: 'POST', url: `${BASE}/sync-all` })).statusCode).toBe(401);
    });
  });

  describe('dashboards by mail', () => {
    it('sends each unit its mail and workbook, and the national summary with every workbook', async () => {
      await runJob({}, 'cron');
      const mails = smtp.received.map((m) => [m.envelope.to.join(',').toLowerCase(), m.subject]).sort();
      expect(mails).toEqual([
        [NATIONAL, 'Work In France : rapport mensuel 75 - Paris (introduction) – septembre 2020'],
        [NATIONAL, 'Work In France : rapport mensuel national – septembre 2020 (3 unités)'],
        [UD75, 'Work In France : rapport mensuel 75 - Paris (introduction) – septembre 2020'],
        [UD75, 'Work In France : rapport mensuel 75 - Paris – septembre 2020'],
      ]);

      const national = smtp.received.find((m) => m.envelope.to[0] === NATIONAL)!;
      expect(national.attachments.map((a) => [a.filename, a.contentType, a.contentId ?? null])).toEqual([
        ['evolution-12-mois.png', 'image/png', CHART_CID],
        ['WIF_2020-09_national.xlsx', XLSX, null],
        ['WIF_2020-09_ud13.xlsx', XLSX, null],
        ['WIF_2020-09_ud75.xlsx', XLSX, null],
        ['WIF_2020-09_ud75-introduction.xlsx', XLSX, null],
      ]);
      expect(national.attachments[0].inline).toBe(true);
      expect(national.attachments[0].content.subarray(1, 4).toString()).toBe('PNG');
      for (const attachment of national.attachments.slice(2)) {
        const workbook = await readWorkbook(attachment.content);
        expect(workbook.getWorksheet('2020-09 - Synthèse')!.getCell('C5').value).toBe('septembre');
      }
      const nationalWorkbook = await readWorkbook(national.attachments[1].content);
      expect(nationalWorkbook.worksheets.map((w) => w.name)).toEqual([
        '2020-09 - National',
        '2020 - Mois par mois',
        '12 derniers mois',
      ]);
      const html = national.html!;
      expect(html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
      expect(html).toContain(`src="cid:${CHART_CID}"`);
      expect(Buffer.byteLength(html)).toBeLessThan(100 * 1024);
      for (const label of ['13 - Bouches du Rhône', '75 - Paris', '75 - Paris (introduction)']) {
        expect(html).toContain(`>${label}</td>`);
      }
      expect(national.text).toContain('7 dossiers décidés (août : 3, +4) : 4 APT acceptées, 2 refusées, 1 sans suite.');
      expect(national.text).toContain('75 - Paris : 3 acceptées, 1 refusées, 1 sans suite (total 5)');

      const paris = smtp.received.find((m) => m.subject.endsWith('75 - Paris – septembre 2020'))!;
      expect(paris.attachments.map((a) => a.filename)).toEqual(['evolution-12-mois.png', 'WIF_2020-09_ud75.xlsx']);
      expect(paris.text).toContain('75 - Paris\nAPT + 3 mois : 2 (août : 1, +1), délai médian 10 j\n');
      expect(paris.text).toContain('APT refusées : 1 (août : 2, -1)');
      expect(paris.text).toContain('(toutes les APT acceptées, durée connue ou non) : CHINE 2, MAROC 1');
      expect(paris.html).not.toContain('Bouches du Rhône');
    });

    it('keeps a mail the SMTP server refused, and the mail-outbox job sends it later, attachments included', async () => {
      smtp.refuseNext(4);
      const run = await runJob({}, 'cron');
      expect(run.status).toBe('succeeded');
      expect(smtp.received).toEqual([]);

      t.clock.set(new Date(NOW.getTime() + 5 * 60_000));
      const retry = await t.app.get(JobRunner).runToEnd('mail-outbox', { trigger: 'cron' });
      expect(retry).toMatchObject({ status: 'succeeded', written: 4 });
      const paris = smtp.received.find((m) => m.subject.endsWith('75 - Paris – septembre 2020'))!;
      expect(paris.envelope.to).toEqual([UD75]);
      expect(paris.attachments.map((a) => a.filename)).toEqual(['evolution-12-mois.png', 'WIF_2020-09_ud75.xlsx']);
      expect((await readWorkbook(paris.attachments[1].content)).worksheets).toHaveLength(3);
    });

    it('never mails a recipient the same month twice, whatever reruns it', async () => {
      await runJob({}, 'cron');
      expect(smtp.received).toHaveLength(4);
      await runJob({}, 'cron');
      await runJob({ month: '2020-09', mail: true });
      expect(smtp.received).toHaveLength(4);
      // Another month is another mail.
      await runJob({ month: '2020-08', mail: true });
      expect(smtp.received).toHaveLength(8);
    });
  });
});
