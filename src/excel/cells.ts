import type ExcelJS from 'exceljs';
import { parisDay } from '../common/paris-time';

/**
 * Text that a spreadsheet could take for a formula once a user edits or exports the cell (`=HYPERLINK(...)`, `+1`,
 * `-2+3`, `@SUM`, or a tab or carriage return that some importers strip before the sign), prefixed with an apostrophe:
 * the cell shows the text, and a copy to CSV or a re-edit keeps it text. Every value typed by an applicant or read
 * from stored data goes through this before it reaches a cell; exceljs cannot write the `quotePrefix` style.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function safeText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** `safeText`, with null and undefined as an empty cell. */
export function safeCell(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : safeText(value);
}

/** Day-only cells, as French staff read them. */
export const DATE_FORMAT = 'dd/mm/yyyy';

/**
 * A spreadsheet date has no time zone: exceljs writes a Date as its UTC day. The Paris calendar day of the instant is
 * therefore written as midnight UTC of that day, so that a decision at 00:30 Paris stays on its day.
 */
export function parisDateCell(instant: Date | null | undefined): Date | null {
  if (!instant) return null;
  return calendarDayCell(parisDay(instant));
}

/** A `YYYY-MM-DD` day as a date cell; null when the text is not such a day. */
export function calendarDayCell(day: string | null | undefined): Date | null {
  const m = day ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) : null;
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

const WEB_LINK = /^https?:\/\/[^\s"<>]+$/i;

/**
 * A hyperlink cell for web links only: a `javascript:` or `file:` link in a spreadsheet is a trap, and the address
 * comes from stored data. Anything else is written as safe text.
 */
export function linkCell(url: string | null | undefined, text?: string): ExcelJS.CellValue {
  if (!url) return null;
  if (!WEB_LINK.test(url)) return safeText(url);
  return { text: safeText(text ?? url), hyperlink: url };
}

export const HYPERLINK_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF0563C1' }, underline: true };

/**
 * A4 landscape, as wide as one page and as long as it needs, with `titleRows` (e.g. `'1:1'`) repeated on every
 * printed page, and a page-numbered footer. Given to `addWorksheet`, since the streaming writer writes the sheet's
 * properties when the sheet is created. LibreOffice and Excel both honour fitToPage with fitToHeight 0.
 */
export function a4Landscape(titleRows?: string): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
      ...(titleRows ? { printTitlesRow: titleRows } : {}),
    },
    headerFooter: { oddFooter: '&LWork In France&RPage &P / &N' } as ExcelJS.HeaderFooter,
  };
}
