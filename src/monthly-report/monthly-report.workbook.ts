import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../excel/exceljs';
import { formatYearMonth } from '../common/paris-time';
import { DossierGroup } from '../dossier-source/dossier';
import { frenchMonthName } from './french-months';
import { CategoryKey, MonthlyReport } from './monthly-report.types';

// ---------------------------------------------------------------------------------------------------------------------
// Presentation vocabulary shared by the per-unit workbook, the national workbook and the mail, so that the three say
// the same thing with the same words.

export const CATEGORY_KEYS: readonly CategoryKey[] = [
  'more3Months',
  'less3Months',
  'unknownDuration',
  'refused',
  'withoutContinuation',
];

export const ACCEPTED_KEYS: readonly CategoryKey[] = ['more3Months', 'less3Months', 'unknownDuration'];

export const CATEGORY_LABELS: Record<CategoryKey, string> = {
  more3Months: 'APT + 3 mois',
  less3Months: 'APT - 3 mois',
  unknownDuration: 'APT durée non renseignée',
  refused: 'APT refusées',
  withoutContinuation: 'APT sans suite',
};

/** Shown where a figure does not exist (no decided dossier with both dates, no previous report). */
export const NOT_AVAILABLE = '—';

/** The group label, with the type spelled out for introductions: Paris has both under the same id and label (B6). */
export function groupDisplayLabel(group: DossierGroup): string {
  return group.type === 'introduction' ? `${group.label} (introduction)` : group.label;
}

/** Units in a stable order: by id (numeric-aware, so `2A` and `02` sort sensibly), autorisation before introduction. */
export function compareGroups(a: DossierGroup, b: DossierGroup): number {
  const byId = a.id.localeCompare(b.id, 'fr', { numeric: true });
  if (byId !== 0) return byId;
  return a.type === b.type ? 0 : a.type === 'autorisation' ? -1 : 1;
}

export function reportCounts(report: MonthlyReport): Record<CategoryKey, number> {
  const counts = {} as Record<CategoryKey, number>;
  for (const key of CATEGORY_KEYS) counts[key] = report.categories[key].count;
  return counts;
}

export function sumCounts(counts: Record<CategoryKey, number>, keys: readonly CategoryKey[] = CATEGORY_KEYS): number {
  return keys.reduce((sum, key) => sum + counts[key], 0);
}

/**
 * The categories worth a line: the unknown-duration one only when it holds dossiers this month or held some last
 * month (a drop to zero is news too). It is a data-quality residue and would otherwise be a line of zeros.
 */
export function visibleCategories(report: MonthlyReport): CategoryKey[] {
  const unknownMatters =
    report.categories.unknownDuration.count > 0 || (report.previousCounts?.unknownDuration ?? 0) > 0;
  return CATEGORY_KEYS.filter((key) => key !== 'unknownDuration' || unknownMatters);
}

/**
 * At most `limit` nationalities, most frequent first. Ties keep the object's key order (first seen), which the
 * stable sort guarantees; the original took one too many (B7).
 */
export function topCountries(countries: Record<string, number>, limit: number): Array<[string, number]> {
  return Object.entries(countries)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
}

/** Merges nationality counts of several categories, keeping first-seen order for ties. */
export function mergeCountries(reports: Array<Record<string, number>>): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const countries of reports) {
    for (const [country, count] of Object.entries(countries)) merged[country] = (merged[country] ?? 0) + count;
  }
  return merged;
}

/** `+3`, `-2` or `=`. */
export function signedDifference(current: number, previous: number): string {
  const diff = current - previous;
  if (diff === 0) return '=';
  return diff > 0 ? `+${diff}` : `${diff}`;
}

/** Days to one decimal: medians of even-sized sets and percentiles may be fractional, more digits is noise. */
export function roundDays(days: number | null): number | null {
  return days === null ? null : Math.round(days * 10) / 10;
}

// ---------------------------------------------------------------------------------------------------------------------
// Workbook plumbing shared with the national workbook.

const CENTER: Partial<ExcelJS.Alignment> = { vertical: 'middle', horizontal: 'center' };
const HYPERLINK_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF0563C1' }, underline: true };

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
  cell.value = title;
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

const TOP_COUNTRIES = 10;
const LEFT_BLOCK = 2; // B
const RIGHT_BLOCK = 7; // G
const BLOCKS_ROW = 10;
/** First row after the two top-10 blocks at their largest (header at 16, ten countries down to 26) and a gap. */
const DETAILS_ROW = 28;

type ReportFileInfo = Pick<MonthlyReport, 'year' | 'month' | 'group'>;

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `WIF_2020-09_ud75.xlsx`, and `WIF_2020-09_ud75-introduction.xlsx` so that Paris' two groups never collide (B6). */
export function monthlyReportFileName(report: ReportFileInfo): string {
  // The id ends up in a Content-Disposition header and a mail attachment name: keep it to harmless characters.
  const id = report.group.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const suffix = report.group.type === 'introduction' ? '-introduction' : '';
  return `WIF_${formatYearMonth(report)}_ud${id}${suffix}.xlsx`;
}

export function buildMonthlyReportWorkbook(report: MonthlyReport, generatedAt: Date): ExcelJS.Workbook {
  const workbook = createReportWorkbook(generatedAt);
  const prefix = formatYearMonth(report);

  const synthesis = addReportSheet(workbook, `${prefix} - Synthèse`);
  addSheetTitle(synthesis, 'Rapport Mensuel - synthèse');
  writeSummary(synthesis, report);
  writeAcceptedBlock(synthesis, 'APT + 3mois', LEFT_BLOCK, report.categories.more3Months);
  writeAcceptedBlock(synthesis, 'APT - 3mois', RIGHT_BLOCK, report.categories.less3Months);
  writeDetails(synthesis, report);

  writeDossierSheet(
    addReportSheet(workbook, `${prefix} - dossiers refusés`),
    'Rapport Mensuel - dossiers refusés',
    report.categories.refused.dossiers,
  );
  writeDossierSheet(
    addReportSheet(workbook, `${prefix} - dossiers sans suite`),
    'Rapport Mensuel - dossiers classés sans suite',
    report.categories.withoutContinuation.dossiers,
  );
  return workbook;
}

export function monthlyReportToBuffer(report: MonthlyReport, generatedAt: Date): Promise<Buffer> {
  return workbookToBuffer(buildMonthlyReportWorkbook(report, generatedAt));
}

function addReportSheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name);
  for (const column of [LEFT_BLOCK, LEFT_BLOCK + 1, RIGHT_BLOCK, RIGHT_BLOCK + 1]) sheet.getColumn(column).width = 15;
  return sheet;
}

/** Label/value pairs down two columns, both centered, as the original `addData`. */
function writePairs(sheet: ExcelJS.Worksheet, row: number, column: number, pairs: Array<[string, ExcelJS.CellValue]>) {
  pairs.forEach(([label, value], index) => {
    centered(sheet.getCell(row + index, column), label);
    centered(sheet.getCell(row + index, column + 1), value);
  });
}

function writeSummary(sheet: ExcelJS.Worksheet, report: MonthlyReport): void {
  const counts = reportCounts(report);
  writePairs(sheet, 4, LEFT_BLOCK, [
    ['Année', String(report.year)],
    ['Mois', frenchMonthName(report.month)],
    ['Département', groupDisplayLabel(report.group)],
  ]);
  writePairs(sheet, 4, RIGHT_BLOCK, [
    ['APT acceptées', sumCounts(counts, ACCEPTED_KEYS)],
    ['APT refusées', counts.refused],
    ['APT sans suite', counts.withoutContinuation],
  ]);
}

function writeAcceptedBlock(
  sheet: ExcelJS.Worksheet,
  title: string,
  column: number,
  stats: MonthlyReport['categories'][CategoryKey],
): void {
  const titleCell = sheet.getCell(BLOCKS_ROW, column);
  titleCell.value = title;
  titleCell.font = { size: 14, bold: true };
  titleCell.border = allBorders('thin');
  sheet.mergeCells(BLOCKS_ROW, column, BLOCKS_ROW, column + 3);

  writePairs(sheet, BLOCKS_ROW + 2, column, [['Acceptées', stats.count]]);

  const subtitle = sheet.getCell(BLOCKS_ROW + 4, column);
  subtitle.value = 'Top 10 des nationalités les plus concernées';
  subtitle.font = { size: 12, bold: true, underline: true };
  sheet.mergeCells(BLOCKS_ROW + 4, column, BLOCKS_ROW + 4, column + 3);

  const headerRow = BLOCKS_ROW + 6;
  ['Nationalité', 'Nombre'].forEach((header, index) => {
    const cell = sheet.getCell(headerRow, column + index);
    cell.value = header;
    styleHeader(cell);
  });
  writePairs(sheet, headerRow + 1, column, topCountries(stats.countries, TOP_COUNTRIES));
}

/**
 * What the original lacked: processing time and the change against last month, one line per category, under the
 * two blocks at a fixed row so the layout does not move with the length of the top 10.
 */
function writeDetails(sheet: ExcelJS.Worksheet, report: MonthlyReport): void {
  for (const column of [4, 5, 6]) sheet.getColumn(column).width = 15;

  const titleCell = sheet.getCell(DETAILS_ROW, LEFT_BLOCK);
  titleCell.value = 'Détail par catégorie';
  titleCell.font = { size: 14, bold: true };
  titleCell.border = allBorders('thin');
  sheet.mergeCells(DETAILS_ROW, LEFT_BLOCK, DETAILS_ROW, LEFT_BLOCK + 3);

  const groupRow = DETAILS_ROW + 2;
  styleHeader(sheet.getCell(groupRow, 5));
  sheet.getCell(groupRow, 5).value = 'Délai de traitement (jours)';
  sheet.mergeCells(groupRow, 5, groupRow, 6);
  styleHeader(sheet.getCell(groupRow, 7));
  sheet.getCell(groupRow, 7).value = 'Évolution vs mois précédent';
  sheet.mergeCells(groupRow, 7, groupRow, 8);

  const headerRow = groupRow + 1;
  const headers: Array<[number, string]> = [
    [2, 'Catégorie'],
    [4, 'Nombre'],
    [5, 'Médiane'],
    [6, '90e centile'],
    [7, 'Mois précédent'],
    [8, 'Évolution'],
  ];
  for (const [column, header] of headers) {
    const cell = sheet.getCell(headerRow, column);
    cell.value = header;
    styleHeader(cell);
    cell.border = { bottom: { style: 'thin' } };
  }
  sheet.mergeCells(headerRow, 2, headerRow, 3);

  const previous = report.previousCounts;
  let row = headerRow + 1;
  for (const key of visibleCategories(report)) {
    const stats = report.categories[key];
    writeDetailRow(sheet, row, CATEGORY_LABELS[key], stats.count, previous ? previous[key] : null);
    centered(sheet.getCell(row, 5), roundDays(stats.processingDays.median) ?? NOT_AVAILABLE);
    centered(sheet.getCell(row, 6), roundDays(stats.processingDays.p90) ?? NOT_AVAILABLE);
    row++;
  }
  // A total has no processing time: the median of a union is not derivable from the medians of its parts.
  writeDetailRow(sheet, row, 'Total', sumCounts(reportCounts(report)), previous ? sumCounts(previous) : null);
  for (const column of [2, 4, 7, 8]) sheet.getCell(row, column).font = { bold: true };
}

function writeDetailRow(sheet: ExcelJS.Worksheet, row: number, label: string, count: number, previous: number | null) {
  centered(sheet.getCell(row, 2), label);
  sheet.mergeCells(row, 2, row, 3);
  centered(sheet.getCell(row, 4), count);
  centered(sheet.getCell(row, 7), previous ?? NOT_AVAILABLE);
  centered(sheet.getCell(row, 8), previous === null ? NOT_AVAILABLE : signedDifference(count, previous));
}

/** One DS URL per row from B4, merged B:F as the original; always written so every workbook has the same sheets. */
function writeDossierSheet(sheet: ExcelJS.Worksheet, title: string, urls: string[]): void {
  addSheetTitle(sheet, title);
  if (urls.length === 0) {
    centered(sheet.getCell(4, 2), 'Aucun dossier');
    sheet.mergeCells(4, 2, 4, 6);
    return;
  }
  urls.forEach((url, index) => {
    const row = 4 + index;
    const cell = sheet.getCell(row, 2);
    // Only web links become hyperlinks: the URL comes from stored data and a `javascript:` or `file:` link in a
    // spreadsheet is a trap.
    if (/^https?:\/\//i.test(url)) {
      centered(cell, { text: url, hyperlink: url });
      cell.font = HYPERLINK_FONT;
    } else {
      centered(cell, url);
    }
    sheet.mergeCells(row, 2, row, 6);
  });
}
