import type ExcelJS from 'exceljs';
import { a4Landscape, safeText } from '../excel/cells';
import { formatYearMonth } from '../common/paris-time';
import { CHART_HEIGHT, CHART_WIDTH, trendChartPng } from './monthly-report.chart';
import { frenchMonthName, frenchMonthYear } from './french-months';
import { MonthCounts, MonthlyReport } from './monthly-report.types';
import {
  addCounts,
  CATEGORY_HEADERS,
  CATEGORY_KEYS,
  compareGroups,
  Counts,
  NOT_AVAILABLE,
  reportCounts,
  roundDays,
  sumCounts,
  TrendPoint,
  TREND_MONTHS,
  zeroCounts,
} from './monthly-report.view';
import { addSheetTitle, centered, createReportWorkbook, styleHeader } from './monthly-report.workbook';

export interface NationalWorkbookInput {
  year: number;
  /** 1 to 12. */
  month: number;
  /** Every unit's report for that month. */
  reports: MonthlyReport[];
  /** National counts of the months of `year` to show, typically January up to `month`. */
  yearTotals: MonthCounts[];
  /** National counts of the last months, the report month last; no trend sheet when empty. */
  trend?: TrendPoint[];
  generatedAt: Date;
}

const TYPE_LABELS = { autorisation: 'Autorisation', introduction: 'Introduction' } as const;
const HEADER_ROW = 4;

export function nationalReportFileName(year: number, month: number): string {
  return `WIF_${formatYearMonth({ year, month })}_national.xlsx`;
}

export function buildNationalWorkbook(input: NationalWorkbookInput): ExcelJS.Workbook {
  assertConsistent(input);
  const workbook = createReportWorkbook(input.generatedAt);
  writeUnitsSheet(workbook, input);
  writeMonthsSheet(workbook, input);
  if (input.trend && input.trend.length > 0) writeTrendSheet(workbook, input.trend);
  return workbook;
}

function assertConsistent({ year, month, reports, yearTotals }: NationalWorkbookInput): void {
  const seen = new Set<string>();
  for (const report of reports) {
    if (report.year !== year || report.month !== month) {
      throw new Error(
        `Report of ${formatYearMonth(report)} for unit ${report.group.id} in the national report of ` +
          formatYearMonth({ year, month }),
      );
    }
    const key = `${report.group.id}/${report.group.type}`;
    if (seen.has(key)) throw new Error(`Two reports for unit ${key} in the national report`);
    seen.add(key);
  }
  const months = new Set<number>();
  for (const { month: m } of yearTotals) {
    frenchMonthName(m);
    if (months.has(m)) throw new Error(`Month ${m} given twice in the year totals`);
    months.add(m);
  }
}

function prepareSheet(workbook: ExcelJS.Workbook, name: string, title: string, widths: number[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    ...a4Landscape(`${HEADER_ROW}:${HEADER_ROW}`),
    views: [{ state: 'frozen', ySplit: HEADER_ROW }],
  });
  widths.forEach((width, index) => (sheet.getColumn(2 + index).width = width));
  addSheetTitle(sheet, title, 1 + widths.length);
  return sheet;
}

function writeHeaders(sheet: ExcelJS.Worksheet, headers: string[]): void {
  sheet.getRow(HEADER_ROW).height = 30;
  headers.forEach((header, index) => {
    const cell = sheet.getCell(HEADER_ROW, 2 + index);
    cell.value = header;
    styleHeader(cell);
    cell.border = { bottom: { style: 'thin' } };
  });
}

function writeRow(sheet: ExcelJS.Worksheet, row: number, values: ExcelJS.CellValue[], bold = false): void {
  values.forEach((value, index) => {
    const cell = centered(sheet.getCell(row, 2 + index), value);
    if (bold) {
      cell.font = { bold: true };
      cell.border = { top: { style: 'thin' } };
    }
  });
}

function countValues(counts: Counts): number[] {
  return [...CATEGORY_KEYS.map((key) => counts[key]), sumCounts(counts)];
}

function writeUnitsSheet(workbook: ExcelJS.Workbook, { year, month, reports }: NationalWorkbookInput): void {
  const sheet = prepareSheet(
    workbook,
    `${formatYearMonth({ year, month })} - National`,
    `Rapport Mensuel national - ${frenchMonthYear(year, month)}`,
    [30, 14, 14, 14, 14, 14, 14, 14, 18, 18],
  );
  // The report type carries medians per category, not for all accepted dossiers together, and a median of a union is
  // not derivable from the medians of its parts: so one column per accepted duration.
  writeHeaders(sheet, [
    'Unité',
    'Type',
    ...CATEGORY_KEYS.map((key) => CATEGORY_HEADERS[key]),
    'Total',
    'Délai médian APT + 3 mois (jours)',
    'Délai médian APT - 3 mois (jours)',
  ]);

  const total = zeroCounts();
  let row = HEADER_ROW + 1;
  for (const report of [...reports].sort((a, b) => compareGroups(a.group, b.group))) {
    const counts = reportCounts(report);
    addCounts(total, counts);
    writeRow(sheet, row++, [
      safeText(report.group.label),
      TYPE_LABELS[report.group.type],
      ...countValues(counts),
      roundDays(report.categories.more3Months.processingDays.median) ?? NOT_AVAILABLE,
      roundDays(report.categories.less3Months.processingDays.median) ?? NOT_AVAILABLE,
    ]);
  }
  // No national median either, for the same reason as above.
  writeRow(sheet, row, ['Total', null, ...countValues(total), NOT_AVAILABLE, NOT_AVAILABLE], true);
}

function writeMonthsSheet(workbook: ExcelJS.Workbook, { year, yearTotals }: NationalWorkbookInput): void {
  const sheet = prepareSheet(
    workbook,
    `${year} - Mois par mois`,
    `Rapport Mensuel national - année ${year}`,
    [15, 14, 14, 14, 14, 14, 14],
  );
  writeHeaders(sheet, ['Mois', ...CATEGORY_KEYS.map((key) => CATEGORY_HEADERS[key]), 'Total']);

  const total = zeroCounts();
  let row = HEADER_ROW + 1;
  for (const { month, counts } of [...yearTotals].sort((a, b) => a.month - b.month)) {
    addCounts(total, counts);
    writeRow(sheet, row++, [frenchMonthName(month), ...countValues(counts)]);
  }
  writeRow(sheet, row, ['Total', ...countValues(total)], true);
}

function writeTrendSheet(workbook: ExcelJS.Workbook, trend: TrendPoint[]): void {
  const sheet = prepareSheet(
    workbook,
    `${TREND_MONTHS} derniers mois`,
    `Rapport mensuel national – ${TREND_MONTHS} derniers mois`,
    [15, 14, 14, 14, 14, 14, 14],
  );
  writeHeaders(sheet, ['Mois', ...CATEGORY_KEYS.map((key) => CATEGORY_HEADERS[key]), 'Total']);
  let row = HEADER_ROW + 1;
  for (const point of trend) {
    const values = point.counts ? countValues(point.counts) : CATEGORY_KEYS.map(() => null);
    writeRow(sheet, row++, [frenchMonthYear(point.year, point.month), ...(point.counts ? values : [NOT_AVAILABLE])]);
  }
  const png = trendChartPng(trend, `National – ${TREND_MONTHS} derniers mois`);
  const image = workbook.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
  sheet.addImage(image, { tl: { col: 1, row: row + 1 }, ext: { width: CHART_WIDTH, height: CHART_HEIGHT } });
}
