import ExcelJS from 'exceljs';
import { readFileSync } from 'fs';
import { join } from 'path';
import { frenchMonthName } from './french-months';
import { MonthlyReport } from './monthly-report.types';
import {
  monthlyReportFileName,
  monthlyReportToBuffer,
  signedDifference,
  topCountries,
} from './monthly-report.workbook';

const FIXTURES = join(__dirname, '../../test/fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const GENERATED_AT = new Date('2020-10-01T06:00:00.000Z');

async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  // exceljs declares its own `Buffer` (an ArrayBuffer); it accepts Node buffers at runtime.
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return workbook;
}

async function readBack(report: MonthlyReport): Promise<ExcelJS.Workbook> {
  return load(await monthlyReportToBuffer(report, GENERATED_AT));
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
  it('names the months in French (B14)', () => {
    expect([1, 2, 8, 9, 12].map(frenchMonthName)).toEqual(['janvier', 'février', 'août', 'septembre', 'décembre']);
    expect(() => frenchMonthName(0)).toThrow(RangeError);
    expect(() => frenchMonthName(13)).toThrow(RangeError);
  });
});

describe('topCountries', () => {
  it('keeps exactly the limit, most frequent first, ties in first-seen order (B7)', () => {
    const countries = { B: 1, A: 3, C: 3, D: 2, E: 1, F: 1 };
    expect(topCountries(countries, 4)).toEqual([
      ['A', 3],
      ['C', 3],
      ['D', 2],
      ['B', 1],
    ]);
    expect(topCountries({}, 10)).toEqual([]);
  });
});

describe('signedDifference', () => {
  it('writes a sign or an equal sign', () => {
    expect([signedDifference(14, 11), signedDifference(3, 5), signedDifference(7, 7)]).toEqual(['+3', '-2', '=']);
  });
});

describe('monthlyReportFileName', () => {
  it('keeps the original name for autorisations and tells Paris introductions apart (B6)', () => {
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
    expect(workbook.lastModifiedBy).toBe('Work In France');
    expect(workbook.created).toEqual(GENERATED_AT);
    expect(workbook.modified).toEqual(GENERATED_AT);
  });

  it('keeps the original title, widths and summary, with the month in French', () => {
    const title = synthesis.getCell('B2');
    expect(title.value).toBe('Rapport Mensuel - synthèse');
    expect(title.font).toEqual({ size: 16, bold: true });
    expect(title.alignment).toEqual({ vertical: 'middle', horizontal: 'center' });
    expect(title.border.top?.style).toBe('double');
    expect(synthesis.model.merges).toEqual(expect.arrayContaining(['B2:J2', 'B10:E10', 'G10:J10', 'B14:E14']));
    expect(['B', 'C', 'G', 'H'].map((c) => synthesis.getColumn(c).width)).toEqual([15, 15, 15, 15]);

    expect(values(synthesis, 4, 6, ['B', 'C', 'G', 'H'])).toEqual([
      ['Année', '2020', 'APT acceptées', 60],
      ['Mois', 'septembre', 'APT refusées', 3],
      ['Département', '75 - Paris', 'APT sans suite', 2],
    ]);
    expect(synthesis.getCell('C5').alignment).toEqual({ vertical: 'middle', horizontal: 'center' });
  });

  it('lists a true top 10 of the + 3 mois block, ties in first-seen order', () => {
    expect(synthesis.getCell('B10').value).toBe('APT + 3mois');
    expect(synthesis.getCell('B10').font).toEqual({ size: 14, bold: true });
    expect(synthesis.getCell('B10').border.left?.style).toBe('thin');
    expect(values(synthesis, 12, 12, ['B', 'C'])).toEqual([['Acceptées', 46]]);
    expect(synthesis.getCell('B14').value).toBe('Top 10 des nationalités les plus concernées');
    expect(synthesis.getCell('B14').font).toEqual({ size: 12, bold: true, underline: true });
    expect(values(synthesis, 16, 16, ['B', 'C'])).toEqual([['Nationalité', 'Nombre']]);
    expect(synthesis.getCell('C16').font).toEqual({ bold: true });

    expect(values(synthesis, 17, 27, ['B', 'C'])).toEqual([
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
      // ETATS-UNIS (2) is the 11th: the original listed it (B7).
      [null, null],
    ]);
  });

  it('fills the - 3 mois block the same way', () => {
    expect(synthesis.getCell('G10').value).toBe('APT - 3mois');
    expect(values(synthesis, 12, 12, ['G', 'H'])).toEqual([['Acceptées', 12]]);
    expect(synthesis.getCell('G14').value).toBe('Top 10 des nationalités les plus concernées');
    expect(values(synthesis, 16, 22, ['G', 'H'])).toEqual([
      ['Nationalité', 'Nombre'],
      ['INDE', 4],
      ['CHINE', 3],
      ['ETATS-UNIS', 2],
      ['MAROC', 2],
      ['JAPON', 1],
      [null, null],
    ]);
  });

  it('adds processing times and the change against last month below the blocks', () => {
    expect(synthesis.getCell('B28').value).toBe('Détail par catégorie');
    expect(synthesis.getCell('E30').value).toBe('Délai de traitement (jours)');
    expect(synthesis.getCell('G30').value).toBe('Évolution vs mois précédent');
    expect(synthesis.model.merges).toEqual(expect.arrayContaining(['B28:E28', 'E30:F30', 'G30:H30', 'B31:C31']));
    expect(values(synthesis, 31, 38, ['B', 'D', 'E', 'F', 'G', 'H'])).toEqual([
      ['Catégorie', 'Nombre', 'Médiane', '90e centile', 'Mois précédent', 'Évolution'],
      ['APT + 3 mois', 46, 21, 45.3, 41, '+5'],
      ['APT - 3 mois', 12, 14.5, 31, 12, '='],
      ['APT durée non renseignée', 2, '—', '—', 0, '+2'],
      ['APT refusées', 3, 40, 58.2, 5, '-2'],
      ['APT sans suite', 2, '—', '—', 1, '+1'],
      ['Total', 65, null, null, 59, '+6'],
      [null, null, null, null, null, null],
    ]);
    expect(synthesis.getCell('B37').font).toEqual({ bold: true });
    expect(['D', 'E', 'F'].map((c) => synthesis.getColumn(c).width)).toEqual([15, 15, 15]);
  });

  it('lists refused dossiers as hyperlinks, one per merged row', () => {
    const refused = sheet(workbook, '2020-09 - dossiers refusés');
    expect(refused.getCell('B2').value).toBe('Rapport Mensuel - dossiers refusés');
    expect(refused.getCell('B2').font).toEqual({ size: 16, bold: true });
    expect(refused.model.merges).toEqual(expect.arrayContaining(['B2:J2', 'B4:F4', 'B5:F5', 'B6:F6']));
    const urls = report.categories.refused.dossiers;
    expect(values(refused, 4, 7, ['B']).map(([v]) => v)).toEqual([
      ...urls.map((url) => ({ text: url, hyperlink: url })),
      null,
    ]);
    expect(refused.getCell('B4').alignment).toEqual({ vertical: 'middle', horizontal: 'center' });
    expect(refused.getCell('B4').font).toMatchObject({ underline: true });
  });

  it('lists dossiers classés sans suite on their own sheet', () => {
    const closed = sheet(workbook, '2020-09 - dossiers sans suite');
    expect(closed.getCell('B2').value).toBe('Rapport Mensuel - dossiers classés sans suite');
    const urls = report.categories.withoutContinuation.dossiers;
    expect(values(closed, 4, 6, ['B']).map(([v]) => v)).toEqual([
      ...urls.map((url) => ({ text: url, hyperlink: url })),
      null,
    ]);
  });
});

describe('per-unit workbook, Paris introduction September 2020', () => {
  const report = loadReport('paris-introduction-2020-09.json');
  let workbook: ExcelJS.Workbook;

  beforeAll(async () => {
    workbook = await readBack(report);
  });

  it('shows the type in the département and dashes without a previous report', () => {
    const synthesis = sheet(workbook, '2020-09 - Synthèse');
    expect(synthesis.getCell('C6').value).toBe('75 - Paris (introduction)');
    expect(values(synthesis, 16, 19, ['B', 'C', 'G', 'H'])).toEqual([
      ['Nationalité', 'Nombre', 'Nationalité', 'Nombre'],
      ['INDE', 2, null, null],
      ['CHINE', 1, null, null],
      [null, null, null, null],
    ]);
    // No unknown-duration line: none this month and no previous report.
    expect(values(synthesis, 32, 37, ['B', 'D', 'E', 'F', 'G', 'H'])).toEqual([
      ['APT + 3 mois', 3, 9, 12, '—', '—'],
      ['APT - 3 mois', 0, '—', '—', '—', '—'],
      ['APT refusées', 0, '—', '—', '—', '—'],
      ['APT sans suite', 0, '—', '—', '—', '—'],
      ['Total', 3, null, null, '—', '—'],
      [null, null, null, null, null, null],
    ]);
  });

  it('always writes both dossier sheets, with a line when empty', () => {
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([
      '2020-09 - Synthèse',
      '2020-09 - dossiers refusés',
      '2020-09 - dossiers sans suite',
    ]);
    for (const name of ['2020-09 - dossiers refusés', '2020-09 - dossiers sans suite']) {
      const ws = sheet(workbook, name);
      expect(values(ws, 4, 5, ['B']).map(([v]) => v)).toEqual(['Aucun dossier', null]);
      expect(ws.model.merges).toEqual(expect.arrayContaining(['B4:F4']));
    }
  });
});
