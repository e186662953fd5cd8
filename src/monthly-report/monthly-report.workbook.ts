import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../excel/exceljs';
import { a4Landscape, calendarDayCell, HYPERLINK_FONT, linkCell, safeCell, safeText } from '../excel/cells';
import { formatYearMonth } from '../common/paris-time';
import { svgToPng, trendChartSvg, CHART_HEIGHT, CHART_WIDTH } from './monthly-report.chart';
import { frenchMonthName } from './french-months';
import { MonthlyReport } from './monthly-report.types';
import {
  ACCEPTED_LABEL,
  CATEGORY_LABELS,
  decidedDossiers,
  FigureLine,
  NATIONALITIES_SCOPE,
  NOT_AVAILABLE,
  TOP_NATIONALITIES,
  topCountries,
  TrendPoint,
  TREND_MONTHS,
  unitFigures,
} from './monthly-report.view';

// ---------------------------------------------------------------------------------------------------------------------
// Workbook plumbing shared with the national workbook.

const CENTER: Partial<ExcelJS.Alignment> = { vertical: 'middle', horizontal: 'center' };

/** A workbook signed `Work In France` and dated from the caller's clock, so the same input gives the same content. */
export function createReportWorkbook(generatedAt: Date): ExcelJS.Workbook {
  const workbook = new (loadExcelJS().Workbook)();
  workbook.creator = 'Work In France';
  workbook.lastModifiedBy = 'Work In France';
  workbook.created = generatedAt;
  workbook.modified = generatedAt;
  return workbook;
}

function allBorders(style: ExcelJS.BorderStyle): Partial<ExcelJS.Borders> {
  return { top: { style }, left: { style }, bottom: { style }, right: { style } };
}

/** The original sheet title: size 16 bold, centered, double border, merged from B to `lastColumn`. */
export function addSheetTitle(sheet: ExcelJS.Worksheet, title: string, lastColumn = 10): void {
  const cell = sheet.getCell(2, 2);
  cell.value = safeText(title);
  cell.font = { size: 16, bold: true };
  cell.alignment = CENTER;
  cell.border = allBorders('double');
  sheet.mergeCells(2, 2, 2, lastColumn);
}

export function styleHeader(cell: ExcelJS.Cell): void {
  cell.font = { bold: true };
  cell.alignment = { ...CENTER, wrapText: true };
}

export function centered(cell: ExcelJS.Cell, value: ExcelJS.CellValue): ExcelJS.Cell {
  cell.value = value;
  cell.alignment = CENTER;
  return cell;
}

export async function workbookToBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------------------------------
// The per-unit workbook.

type ReportFileInfo = Pick<MonthlyReport, 'year' | 'month' | 'group'>;

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `WIF_2020-09_ud75.xlsx`, and `WIF_2020-09_ud75-introduction.xlsx` so that Paris' two groups never collide. */
export function monthlyReportFileName(report: ReportFileInfo): string {
  // The id ends up in a Content-Disposition header and a mail attachment name: keep it to harmless characters.
  const id = report.group.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const suffix = report.group.type === 'introduction' ? '-introduction' : '';
  return `WIF_${formatYearMonth(report)}_ud${id}${suffix}.xlsx`;
}

export interface UnitWorkbookInput {
  report: MonthlyReport;
  /** The last months of this unit, the report month last; no chart when empty. */
  trend: TrendPoint[];
  generatedAt: Date;
}

// The synthesis sheet is a grid of columns B to G: three nationality blocks of two columns side by side, and the
// detail table below them over the same columns, so that it prints on one A4 landscape page.
const FIRST = 2; // B
const WIDTHS = [26, 11, 24, 11, 24, 12];
const BLOCKS_ROW = 9;
const DETAILS_ROW = BLOCKS_ROW + 5 + TOP_NATIONALITIES + 2;
const EVOLUTION_FORMAT = '+0;-0;0';
const DAYS_FORMAT = '0.0';

export function chartTitle(label: string): string {
  return `${label} – ${TREND_MONTHS} derniers mois`;
}

export function buildMonthlyReportWorkbook({ report, trend, generatedAt }: UnitWorkbookInput): ExcelJS.Workbook {
  const workbook = createReportWorkbook(generatedAt);
  const prefix = formatYearMonth(report);
  const figures = unitFigures(report);

  const synthesis = workbook.addWorksheet(`${prefix} - Synthèse`, a4Landscape());
  WIDTHS.forEach((width, index) => (synthesis.getColumn(FIRST + index).width = width));
  addSheetTitle(synthesis, `Rapport mensuel – ${figures.label} – ${figures.period}`, FIRST + WIDTHS.length - 1);
  writeSummary(synthesis, report, figures.accepted);
  writeNationalityBlock(
    synthesis,
    FIRST,
    `${ACCEPTED_LABEL} (${NATIONALITIES_SCOPE})`,
    figures.accepted,
    figures.nationalities,
  );
  for (const [key, column] of [
    ['more3Months', FIRST + 2],
    ['less3Months', FIRST + 4],
  ] as const) {
    const stats = report.categories[key];
    writeNationalityBlock(
      synthesis,
      column,
      CATEGORY_LABELS[key],
      stats.count,
      topCountries(stats.countries, TOP_NATIONALITIES),
    );
  }
  const afterDetails = writeDetails(synthesis, figures.lines, figures.total, figures.previousMonthName);
  if (trend.length > 0) addChart(workbook, synthesis, afterDetails + 1, trend, chartTitle(figures.label));

  writeDossierSheet(workbook, `${prefix} - dossiers refusés`, 'Dossiers refusés', decidedDossiers(report, 'refused'));
  writeDossierSheet(
    workbook,
    `${prefix} - dossiers sans suite`,
    'Dossiers classés sans suite',
    decidedDossiers(report, 'withoutContinuation'),
  );
  return workbook;
}

export function monthlyReportToBuffer(input: UnitWorkbookInput): Promise<Buffer> {
  return workbookToBuffer(buildMonthlyReportWorkbook(input));
}

/** Label/value pairs down two columns. */
function writePairs(sheet: ExcelJS.Worksheet, row: number, column: number, pairs: Array<[string, ExcelJS.CellValue]>) {
  pairs.forEach(([label, value], index) => {
    const labelCell = sheet.getCell(row + index, column);
    labelCell.value = label;
    labelCell.font = { bold: true };
    centered(sheet.getCell(row + index, column + 1), value);
  });
}

function writeSummary(sheet: ExcelJS.Worksheet, report: MonthlyReport, accepted: number): void {
  writePairs(sheet, 4, FIRST, [
    ['Année', report.year],
    ['Mois', frenchMonthName(report.month)],
  ]);
  const unit = sheet.getCell(6, FIRST);
  unit.value = 'Unité';
  unit.font = { bold: true };
  sheet.getCell(6, FIRST + 1).value = safeText(
    report.group.type === 'introduction' ? `${report.group.label} (introduction)` : report.group.label,
  );
  writePairs(sheet, 4, FIRST + 4, [
    [ACCEPTED_LABEL, accepted],
    [CATEGORY_LABELS.refused, report.categories.refused.count],
    [CATEGORY_LABELS.withoutContinuation, report.categories.withoutContinuation.count],
  ]);
}

/** A block of two columns: its title, the number of dossiers, then the top 10 nationalities. */
function writeNationalityBlock(
  sheet: ExcelJS.Worksheet,
  column: number,
  title: string,
  count: number,
  nationalities: Array<[string, number]>,
): void {
  const titleCell = sheet.getCell(BLOCKS_ROW, column);
  titleCell.value = title;
  titleCell.font = { size: 12, bold: true };
  titleCell.alignment = { vertical: 'middle', wrapText: true };
  titleCell.border = allBorders('thin');
  sheet.mergeCells(BLOCKS_ROW, column, BLOCKS_ROW, column + 1);
  sheet.getRow(BLOCKS_ROW).height = 45;

  writePairs(sheet, BLOCKS_ROW + 1, column, [['Dossiers', count]]);
  const subtitle = sheet.getCell(BLOCKS_ROW + 3, column);
  subtitle.value = `Top ${TOP_NATIONALITIES} des nationalités`;
  subtitle.font = { italic: true };
  sheet.mergeCells(BLOCKS_ROW + 3, column, BLOCKS_ROW + 3, column + 1);

  const headerRow = BLOCKS_ROW + 4;
  ['Nationalité', 'Nombre'].forEach((header, index) => {
    const cell = sheet.getCell(headerRow, column + index);
    cell.value = header;
    styleHeader(cell);
    cell.border = { bottom: { style: 'thin' } };
  });
  nationalities.forEach(([country, n], index) => {
    sheet.getCell(headerRow + 1 + index, column).value = safeText(country);
    centered(sheet.getCell(headerRow + 1 + index, column + 1), n);
  });
}

/** Count, processing time and change against last month, one line per category; returns the last row written. */
function writeDetails(sheet: ExcelJS.Worksheet, lines: FigureLine[], total: FigureLine, previousMonth: string): number {
  const titleCell = sheet.getCell(DETAILS_ROW, FIRST);
  titleCell.value = 'Détail par catégorie';
  titleCell.font = { size: 14, bold: true };
  titleCell.border = allBorders('thin');
  sheet.mergeCells(DETAILS_ROW, FIRST, DETAILS_ROW, FIRST + 1);

  const headerRow = DETAILS_ROW + 2;
  sheet.getRow(headerRow).height = 30;
  const headers = [
    'Catégorie',
    'Nombre',
    'Délai médian (jours)',
    'Délai 90e centile (jours)',
    `Nombre en ${previousMonth}`,
    'Évolution',
  ];
  headers.forEach((header, index) => {
    const cell = sheet.getCell(headerRow, FIRST + index);
    cell.value = header;
    styleHeader(cell);
    cell.border = { bottom: { style: 'thin' } };
  });

  let row = headerRow + 1;
  for (const line of [...lines, total]) {
    const bold = line.key === 'total';
    const values: ExcelJS.CellValue[] = [
      line.label,
      line.count,
      bold ? null : (line.medianDays ?? NOT_AVAILABLE),
      bold ? null : (line.p90Days ?? NOT_AVAILABLE),
      line.previous ?? NOT_AVAILABLE,
      line.previous === null ? NOT_AVAILABLE : line.count - line.previous,
    ];
    values.forEach((value, index) => {
      const cell = index === 0 ? sheet.getCell(row, FIRST) : centered(sheet.getCell(row, FIRST + index), value);
      if (index === 0) cell.value = value;
      if (index === 2 || index === 3) cell.numFmt = DAYS_FORMAT;
      if (index === 5) cell.numFmt = EVOLUTION_FORMAT;
      if (bold) {
        cell.font = { bold: true };
        cell.border = { top: { style: 'thin' } };
      }
    });
    row++;
  }
  return row;
}

/** The 12-month chart as a PNG image below the figures. */
function addChart(
  workbook: ExcelJS.Workbook,
  sheet: ExcelJS.Worksheet,
  row: number,
  trend: TrendPoint[],
  title: string,
): void {
  const png = svgToPng(trendChartSvg(trend, title));
  // exceljs declares its own `Buffer` type; a Node buffer is what it takes at runtime.
  const image = workbook.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
  sheet.addImage(image, { tl: { col: FIRST - 1, row }, ext: { width: CHART_WIDTH, height: CHART_HEIGHT } });
}

const DOSSIER_HEADER_ROW = 4;

/**
 * One dossier per row: number, decision day, nationality, link; header frozen and filterable, repeated on each
 * printed page. Always written, so that every workbook has the same sheets.
 */
function writeDossierSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  title: string,
  dossiers: ReturnType<typeof decidedDossiers>,
): void {
  const sheet = workbook.addWorksheet(name, {
    ...a4Landscape(`${DOSSIER_HEADER_ROW}:${DOSSIER_HEADER_ROW}`),
    views: [{ state: 'frozen', ySplit: DOSSIER_HEADER_ROW }],
  });
  [14, 16, 26, 24].forEach((width, index) => (sheet.getColumn(FIRST + index).width = width));
  addSheetTitle(sheet, `${title} (${dossiers.length})`, FIRST + 3);
  ['N° dossier', 'Date de décision', 'Nationalité', 'Lien démarches-simplifiées'].forEach((header, index) => {
    const cell = sheet.getCell(DOSSIER_HEADER_ROW, FIRST + index);
    cell.value = header;
    styleHeader(cell);
    cell.border = { bottom: { style: 'thin' } };
  });
  if (dossiers.length === 0) {
    sheet.getCell(DOSSIER_HEADER_ROW + 1, FIRST).value = 'Aucun dossier';
    return;
  }
  sheet.autoFilter = {
    from: { row: DOSSIER_HEADER_ROW, column: FIRST },
    to: { row: DOSSIER_HEADER_ROW, column: FIRST + 3 },
  };
  dossiers.forEach((dossier, index) => {
    const row = DOSSIER_HEADER_ROW + 1 + index;
    centered(sheet.getCell(row, FIRST), dossier.number);
    const day = centered(sheet.getCell(row, FIRST + 1), calendarDayCell(dossier.decidedOn));
    day.numFmt = 'dd/mm/yyyy';
    sheet.getCell(row, FIRST + 2).value = safeCell(dossier.nationality);
    const link = sheet.getCell(row, FIRST + 3);
    link.value = linkCell(dossier.url, 'Ouvrir le dossier');
    if (typeof link.value === 'object' && link.value !== null) link.font = HYPERLINK_FONT;
  });
}
