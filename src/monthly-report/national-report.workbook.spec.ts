import ExcelJS from 'exceljs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CategoryKey, MonthlyReport } from './monthly-report.types';
import { workbookToBuffer } from './monthly-report.workbook';
import { trendMonths, trendPoints } from './monthly-report.view';
import { buildNationalWorkbook, NationalWorkbookInput, nationalReportFileName } from './national-report.workbook';

const FIXTURES = join(__dirname, '../../test/fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const GENERATED_AT = new Date('2020-10-01T06:00:00.000Z');

type Counts = Record<CategoryKey, number>;
const counts = (c: [number, number, number, number, number]): Counts => ({
  more3Months: c[0],
  less3Months: c[1],
  unknownDuration: c[2],
  refused: c[3],
  withoutContinuation: c[4],
});

/** A September 2020 report with only what the national sheet reads. */
function unitReport(id: string, label: string, c: Counts, medians: [number | null, number | null]): MonthlyReport {
  const stats = (count: number, median: number | null = null) => ({
    count,
    countries: {},
    dossiers: [],
    processingDays: { median, p90: null },
  });
  return {
    year: 2020,
    month: 9,
    group: { id, label, type: 'autorisation' },
    categories: {
      more3Months: stats(c.more3Months, medians[0]),
      less3Months: stats(c.less3Months, medians[1]),
      unknownDuration: stats(c.unknownDuration),
      refused: stats(c.refused),
      withoutContinuation: stats(c.withoutContinuation),
    },
    previousCounts: null,
  };
}

function input(overrides: Partial<NationalWorkbookInput> = {}): NationalWorkbookInput {
  return {
    year: 2020,
    month: 9,
    // Deliberately out of order: the sheet sorts by id, then type.
    reports: [
      loadReport('paris-introduction-2020-09.json'),
      unitReport('13', '13 - Bouches-du-Rhône', counts([10, 4, 0, 1, 0]), [30, null]),
      loadReport('paris-2020-09.json'),
      unitReport('02', '02 - Aisne', counts([1, 2, 0, 0, 1]), [12.25, 7]),
    ],
    yearTotals: [
      { month: 9, counts: counts([60, 18, 2, 4, 3]) },
      { month: 1, counts: counts([5, 3, 0, 1, 0]) },
      { month: 8, counts: counts([41, 12, 0, 5, 1]) },
    ],
    generatedAt: GENERATED_AT,
    ...overrides,
  };
}

function rows(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, lastColumn: number): unknown[][] {
  const result: unknown[][] = [];
  for (let row = fromRow; row <= toRow; row++) {
    const line: unknown[] = [];
    for (let column = 2; column <= lastColumn; column++) line.push(ws.getCell(row, column).value);
    result.push(line);
  }
  return result;
}

describe('nationalReportFileName', () => {
  it('pads the month', () => {
    expect(nationalReportFileName(2020, 9)).toBe('WIF_2020-09_national.xlsx');
  });
});

describe('national workbook, September 2020', () => {
  let workbook: ExcelJS.Workbook;

  beforeAll(async () => {
    workbook = new ExcelJS.Workbook();
    const bytes = await workbookToBuffer(buildNationalWorkbook(input()));
    // exceljs declares its own `Buffer` (an ArrayBuffer); it accepts Node buffers at runtime.
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  });

  it('has the units sheet then the month-by-month sheet, dated from the input', () => {
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['2020-09 - National', '2020 - Mois par mois']);
    expect(workbook.creator).toBe('Work In France');
    expect(workbook.created).toEqual(GENERATED_AT);
    expect(workbook.modified).toEqual(GENERATED_AT);
  });

  it('prints every sheet on A4 landscape one page wide, the header row on each page, and freezes it', () => {
    for (const ws of workbook.worksheets) {
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 });
      expect(ws.pageSetup.printTitlesRow).toBe('4:4');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    }
  });

  it('lists one row per unit sorted by id then type, and a bold totals row', () => {
    const ws = workbook.getWorksheet('2020-09 - National')!;
    expect(ws.getCell('B2').value).toBe('Rapport Mensuel national - septembre 2020');
    expect(ws.getCell('B2').font).toEqual({ size: 16, bold: true });
    expect(ws.model.merges).toEqual(['B2:K2']);
    expect(rows(ws, 4, 10, 11)).toEqual([
      [
        'Unité',
        'Type',
        'APT + 3 mois',
        'APT - 3 mois',
        'Durée non renseignée',
        'Refusées',
        'Sans suite',
        'Total',
        'Délai médian APT + 3 mois (jours)',
        'Délai médian APT - 3 mois (jours)',
      ],
      ['02 - Aisne', 'Autorisation', 1, 2, 0, 0, 1, 4, 12.3, 7],
      ['13 - Bouches-du-Rhône', 'Autorisation', 10, 4, 0, 1, 0, 15, 30, '—'],
      ['75 - Paris', 'Autorisation', 46, 12, 2, 3, 2, 65, 21, 14.5],
      ['75 - Paris', 'Introduction', 3, 0, 0, 0, 0, 3, 9, '—'],
      ['Total', null, 60, 18, 2, 4, 3, 87, '—', '—'],
      [null, null, null, null, null, null, null, null, null, null],
    ]);
    expect(ws.getCell('B4').font).toEqual({ bold: true });
    expect(ws.getCell('B9').font).toEqual({ bold: true });
    expect(ws.getCell('I9').font).toEqual({ bold: true });
    expect(ws.getCell('B5').font?.bold).toBeFalsy();
    expect(ws.getColumn('B').width).toBe(30);
  });

  it('lists the given months of the year in order with national totals', () => {
    const ws = workbook.getWorksheet('2020 - Mois par mois')!;
    expect(ws.getCell('B2').value).toBe('Rapport Mensuel national - année 2020');
    expect(ws.model.merges).toEqual(['B2:H2']);
    expect(rows(ws, 4, 9, 8)).toEqual([
      ['Mois', 'APT + 3 mois', 'APT - 3 mois', 'Durée non renseignée', 'Refusées', 'Sans suite', 'Total'],
      ['janvier', 5, 3, 0, 1, 0, 9],
      ['août', 41, 12, 0, 5, 1, 59],
      ['septembre', 60, 18, 2, 4, 3, 87],
      ['Total', 106, 33, 2, 10, 4, 155],
      [null, null, null, null, null, null, null],
    ]);
    expect(ws.getCell('B8').font).toEqual({ bold: true });
  });
});

describe('buildNationalWorkbook input checks', () => {
  it('refuses a report of another month', () => {
    const stray = { ...loadReport('paris-2020-09.json'), month: 8 };
    expect(() => buildNationalWorkbook(input({ reports: [stray] }))).toThrow(/2020-08.*unit 75/);
  });

  it('refuses two reports for the same unit and type', () => {
    const paris = loadReport('paris-2020-09.json');
    expect(() => buildNationalWorkbook(input({ reports: [paris, paris] }))).toThrow(/75\/autorisation/);
  });

  it('refuses a month given twice or out of range', () => {
    const twice = [
      { month: 1, counts: counts([0, 0, 0, 0, 0]) },
      { month: 1, counts: counts([0, 0, 0, 0, 0]) },
    ];
    expect(() => buildNationalWorkbook(input({ yearTotals: twice }))).toThrow(/twice/);
    expect(() =>
      buildNationalWorkbook(input({ yearTotals: [{ month: 13, counts: counts([0, 0, 0, 0, 0]) }] })),
    ).toThrow(RangeError);
  });

  it('still writes both sheets with totals for an empty month', async () => {
    const workbook = new ExcelJS.Workbook();
    const bytes = await workbookToBuffer(buildNationalWorkbook(input({ reports: [], yearTotals: [] })));
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    expect(rows(workbook.getWorksheet('2020-09 - National')!, 5, 5, 11)).toEqual([
      ['Total', null, 0, 0, 0, 0, 0, 0, '—', '—'],
    ]);
    expect(rows(workbook.getWorksheet('2020 - Mois par mois')!, 5, 5, 8)).toEqual([['Total', 0, 0, 0, 0, 0, 0]]);
  });
});

describe('national workbook with the last twelve months', () => {
  it('adds a sheet with one row per month, a dash for a month without report, and the chart', async () => {
    const trend = trendPoints(trendMonths({ year: 2020, month: 9 }), (m) =>
      m.month === 10 ? null : counts([m.month, 1, 0, 2, 0]),
    );
    const bytes = await workbookToBuffer(buildNationalWorkbook(input({ trend })));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const ws = workbook.getWorksheet('12 derniers mois')!;
    expect(rows(ws, 5, 6, 8)).toEqual([
      ['octobre 2019', '—', null, null, null, null, null],
      ['novembre 2019', 11, 1, 0, 2, 0, 14],
    ]);
    expect(rows(ws, 16, 16, 8)).toEqual([['septembre 2020', 9, 1, 0, 2, 0, 12]]);
    expect(ws.getImages()).toHaveLength(1);
  });
});
