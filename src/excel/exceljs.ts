import type ExcelJS from 'exceljs';

/**
 * exceljs takes about 0.2 s to load. Loaded on first use, so that the CLI's jobs and the server's start pay for it
 * only when a workbook is actually written.
 */
export function loadExcelJS(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('exceljs') as typeof ExcelJS;
}
