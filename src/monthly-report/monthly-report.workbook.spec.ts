import ExcelJS from 'exceljs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { frenchMonthName } from './french-months';
import { MonthlyReport } from './monthly-report.types';
import {
  mergeCountries,
  signedDifference,
  topCountries,
  trendMonths,
  trendPoints,
  unitFigures,
} from './monthly-report.view';
import { monthlyReportFileName, monthlyReportToBuffer } from './monthly-report.workbook';

const FIXTURES = join(__dirname, '../../test/fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const GENERATED_AT = new Date('2020-10-01T06:00:00.000Z');
const TREND = trendPoints(trendMonths({ year: 2020, month: 9 }), (m) =>
  m.year === 2019 ? null : { more3Months: 40, less3Months: 10, unknownDuration: 0, refused: 4, withoutContinuation: 1 },
);

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own `Buffer` (an ArrayBuffer); it accepts Node buffers at runtime.
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

async function readBack(report: MonthlyReport, trend = TREND): Promise<ExcelJS.Workbook> {
  return load(await monthlyReportToBuffer({ report, trend, generatedAt: GENERATED_AT }));
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

/** Values of a rectangle of cells, row by row, `null` for empty cells. */
function values(ws: ExcelJS.Worksheet, fromRow: number, toRow: number, columns: string[]): unknown[][] {
  const rows: unknown[][] = [];
  for (let row = fromRow; row <= toRow; row++) rows.push(columns.map((c) => ws.getCell(`${c}${row}`).value));
  return rows;
}

describe('frenchMonthName', () => {
  it('names the months in French', () => {
    expect([1, 2, 8, 9, 12].map(frenchMonthName)).toEqual(['janvier', 'février', 'août', 'septembre', 'décembre']);
    expect(() => frenchMonthName(0)).toThrow(RangeError);
    expect(() => frenchMonthName(13)).toThrow(RangeError);
  });
});

describe('topCountries', () => {
  it('keeps exactly the limit, most frequent first, ties in first-seen order', () => {
    const countries = { B: 1, A: 3, C: 3, D: 2, E: 1, F: 1 };
    expect(topCountries(countries, 4)).toEqual([
      ['A', 3],
      ['C', 3],
      ['D', 2],
      ['B', 1],
    ]);
    expect(topCountries({}, 10)).toEqual([]);
  });

  it('counts nationalities named like Object.prototype members as any other name', () => {
    // As stored and read back: JSON.parse makes `__proto__` an own key.
    const a = JSON.parse('{"constructor": 1, "__proto__": 2, "toString": 1}') as Record<string, number>;
    const b = JSON.parse('{"constructor": 2, "__proto__": 1}') as Record<string, number>;
    expect(topCountries(mergeCountries([a, b]), 10)).toEqual([
      ['constructor', 3],
      ['__proto__', 3],
      ['toString', 1],
    ]);
  });
});

describe('signedDifference', () => {
  it('writes a sign or an equal sign', () => {
    expect([signedDifference(14, 11), signedDifference(3, 5), signedDifference(7, 7)]).toEqual(['+3', '-2', '=']);
  });
});

describe('monthlyReportFileName', () => {
  it('keeps the original name for autorisations and tells Paris introductions apart', () => {
    expect(monthlyReportFileName(loadReport('paris-2020-09.json'))).toBe('WIF_2020-09_ud75.xlsx');
    expect(monthlyReportFileName(loadReport('paris-introduction-2020-09.json'))).toBe(
      'WIF_2020-09_ud75-introduction.xlsx',
    );
  });

  it('pads the month and keeps the id to harmless characters', () => {
    const group = { id: '2A/"x', label: 'Corse', type: 'autorisation' as const };
    expect(monthlyReportFileName({ year: 2021, month: 1, group })).toBe('WIF_2021-01_ud2A__x.xlsx');
  });
});

describe('per-unit workbook, Paris autorisation September 2020', () => {
  const report = loadReport('paris-2020-09.json');
  let workbook: ExcelJS.Workbook;
  let synthesis: ExcelJS.Worksheet;

  beforeAll(async () => {
    workbook = await readBack(report);
    synthesis = sheet(workbook, '2020-09 - Synthèse');
  });

  it('has the three sheets in order and the generation date, not the wall clock', () => {
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([
      '2020-09 - Synthèse',
      '2020-09 - dossiers refusés',
      '2020-09 - dossiers sans suite',
    ]);
    expect(workbook.creator).toBe('Work In France');
    expect(workbook.created).toEqual(GENERATED_AT);
    expect(workbook.modified).toEqual(GENERATED_AT);
  });

  it('prints every sheet on A4 landscape, one page wide', () => {
    for (const ws of workbook.worksheets) {
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 });
      expect(ws.pageSetup.fitToHeight).toBe(0);
    }
    expect(sheet(workbook, '2020-09 - dossiers refusés').pageSetup.printTitlesRow).toBe('4:4');
  });

  it('writes the title, and the year and counts as numbers', () => {
    expect(synthesis.getCell('B2').value).toBe('Rapport mensuel – 75 - Paris – septembre 2020');
    expect(synthesis.model.merges).toEqual(expect.arrayContaining(['B2:G2', 'B9:C9', 'D9:E9', 'F9:G9']));
    expect(values(synthesis, 4, 6, ['B', 'C', 'F', 'G'])).toEqual([
      ['Année', 2020, 'APT acceptées', 60],
      ['Mois', 'septembre', 'APT refusées', 3],
      ['Unité', '75 - Paris', 'APT sans suite', 2],
    ]);
    expect(synthesis.getCell('C4').type).toBe(ExcelJS.ValueType.Number);
  });

  it('ranks nationalities over every accepted dossier, as the mail does, and says so', () => {
    expect(synthesis.getCell('B9').value).toBe('APT acceptées (toutes les APT acceptées, durée connue ou non)');
    expect(values(synthesis, 10, 10, ['B', 'C'])).toEqual([['Dossiers', 60]]);
    expect(values(synthesis, 13, 24, ['B', 'C'])).toEqual([
      ['Nationalité', 'Nombre'],
      ['CHINE', 13],
      ['INDE', 9],
      ['MAROC', 7],
      ['VIETNAM', 6],
      ['ALGERIE', 4],
      ['ETATS-UNIS', 4],
      ['TUNISIE', 3],
      ['BRESIL', 3],
      ['non renseigné', 3],
      ['LIBAN', 2],
      [null, null],
    ]);
    // The same ranking as the mail's.
    expect(unitFigures(report).nationalities[0]).toEqual(['CHINE', 13]);
  });

  it('keeps a top 10 per known duration, under the labels of the detail table', () => {
    expect(synthesis.getCell('D9').value).toBe('APT + 3 mois');
    expect(synthesis.getCell('F9').value).toBe('APT - 3 mois');
    expect(values(synthesis, 10, 10, ['D', 'E', 'F', 'G'])).toEqual([['Dossiers', 46, 'Dossiers', 12]]);
    expect(values(synthesis, 14, 24, ['D', 'E'])).toEqual([
      ['CHINE', 9],
      ['VIETNAM', 6],
      ['MAROC', 5],
      ['INDE', 5],
      ['ALGERIE', 4],
      ['TUNISIE', 3],
      ['BRESIL', 3],
      ['LIBAN', 2],
      ['non renseigné', 2],
      ['SENEGAL', 2],
      // ETATS-UNIS (2) is the 11th.
      [null, null],
    ]);
  });

  it('writes processing times and the change against last month as numbers', () => {
    expect(synthesis.getCell('B26').value).toBe('Détail par catégorie');
    expect(values(synthesis, 28, 35, ['B', 'C', 'D', 'E', 'F', 'G'])).toEqual([
      ['Catégorie', 'Nombre', 'Délai médian (jours)', 'Délai 90e centile (jours)', 'Nombre en août', 'Évolution'],
      ['APT + 3 mois', 46, 21, 45.3, 41, 5],
      ['APT - 3 mois', 12, 14.5, 31, 12, 0],
      ['APT durée non renseignée', 2, '—', '—', 0, 2],
      ['APT refusées', 3, 40, 58.2, 5, -2],
      ['APT sans suite', 2, '—', '—', 1, 1],
      ['Total', 65, null, null, 59, 6],
      [null, null, null, null, null, null],
    ]);
    expect(synthesis.getCell('G29').numFmt).toBe('+0;-0;0');
    expect(synthesis.getCell('B34').font).toEqual({ bold: true });
  });

  it('draws the 12-month chart as a PNG image below the figures', () => {
    const images = synthesis.getImages();
    expect(images).toHaveLength(1);
    const media = workbook.getImage(Number(images[0].imageId));
    expect(media.extension).toBe('png');
    expect(
      Buffer.from(media.buffer as unknown as Uint8Array)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(images[0].range.tl.nativeRow).toBeGreaterThanOrEqual(35);
  });

  it('lists refused dossiers from an older report with the number read from the link', () => {
    const refused = sheet(workbook, '2020-09 - dossiers refusés');
    expect(refused.getCell('B2').value).toBe('Dossiers refusés (3)');
    expect(refused.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(refused.autoFilter).toBe('B4:E4');
    const urls = report.categories.refused.dossiers;
    expect(values(refused, 4, 8, ['B', 'C', 'D', 'E'])).toEqual([
      ['N° dossier', 'Date de décision', 'Nationalité', 'Lien démarches-simplifiées'],
      ...urls.map((url) => [Number(url.split('/').pop()), null, null, { text: 'Ouvrir le dossier', hyperlink: url }]),
      [null, null, null, null],
    ]);
  });

  it('lists the number, decision day and nationality of each dossier when the report has them', async () => {
    const withDetails = loadReport('paris-2020-09.json');
    const url = 'https://www.demarches-simplifiees.fr/procedures/14131/dossiers/4518300';
    withDetails.categories.withoutContinuation = {
      ...withDetails.categories.withoutContinuation,
      count: 2,
      dossiers: [url, 'javascript:alert(1)'],
      decided: [
        { number: 4518300, decidedOn: '2020-09-14', nationality: 'MALI', url },
        { number: null, decidedOn: '2020-09-15', nationality: '=HYPERLINK("http://x")', url: 'javascript:alert(1)' },
      ],
    };
    const ws = sheet(await readBack(withDetails, []), '2020-09 - dossiers sans suite');
    expect(values(ws, 5, 6, ['B', 'C', 'D', 'E'])).toEqual([
      [4518300, new Date('2020-09-14T00:00:00Z'), 'MALI', { text: 'Ouvrir le dossier', hyperlink: url }],
      [null, new Date('2020-09-15T00:00:00Z'), '\'=HYPERLINK("http://x")', 'javascript:alert(1)'],
    ]);
    expect(ws.getCell('C5').numFmt).toBe('dd/mm/yyyy');
  });
});

describe('per-unit workbook, Paris introduction September 2020', () => {
  const report = loadReport('paris-introduction-2020-09.json');
  let workbook: ExcelJS.Workbook;

  beforeAll(async () => {
    workbook = await readBack(report, []);
  });

  it('shows the type in the unit, dashes without a previous report, and no chart without a trend', () => {
    const synthesis = sheet(workbook, '2020-09 - Synthèse');
    expect(synthesis.getCell('C6').value).toBe('75 - Paris (introduction)');
    // No unknown-duration line: none this month and no previous report.
    expect(values(synthesis, 29, 34, ['B', 'C', 'D', 'E', 'F', 'G'])).toEqual([
      ['APT + 3 mois', 3, 9, 12, '—', '—'],
      ['APT - 3 mois', 0, '—', '—', '—', '—'],
      ['APT refusées', 0, '—', '—', '—', '—'],
      ['APT sans suite', 0, '—', '—', '—', '—'],
      ['Total', 3, null, null, '—', '—'],
      [null, null, null, null, null, null],
    ]);
    expect(synthesis.getImages()).toHaveLength(0);
  });

  it('always writes both dossier sheets, with a line when empty', () => {
    for (const name of ['2020-09 - dossiers refusés', '2020-09 - dossiers sans suite']) {
      expect(sheet(workbook, name).getCell('B5').value).toBe('Aucun dossier');
    }
  });
});
