import { Writable } from 'node:stream';
import { loadExcelJS } from '../excel/exceljs';
import { frenchDate } from '../common/paris-time';
import { OutboxEntry } from '../mail/outbox.service';
import { StoredAlert } from './alert';

export const ALERT_WORKBOOK_FILENAME = 'WIF_dossiers-en-souffrance.xlsx';
export const ALERT_SHEET_NAME = 'Dossiers en souffrance';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The original ten columns (domain.md 5.6), then when the alert was resolved. */
export const ALERT_COLUMNS = [
  { header: 'Identifiant', width: 15 },
  { header: 'Groupe', width: 20 },
  { header: 'Date traitement', width: 15 },
  { header: 'Etat', width: 15 },
  { header: 'Alerte', width: 40 },
  { header: 'Instructeurs', width: 30 },
  { header: 'Lien', width: 30 },
  { header: 'Email - Date traitement', width: 30 },
  { header: 'Email - Etat', width: 30 },
  { header: 'Email', width: 100 },
  { header: 'Résolue le', width: 15 },
] as const;

export interface AlertWorkbookRow {
  alert: StoredAlert;
  mail: OutboxEntry | null;
}

const day = (date: Date | null): string => (date ? frenchDate(date) : '');

function groupLabel(alert: StoredAlert): string {
  // Paris has an autorisation and an introduction group under the same id and label (B6).
  return alert.group.type === 'introduction' ? `${alert.group.label} (introduction)` : alert.group.label;
}

function mailJson(mail: OutboxEntry | null): string {
  if (!mail) return '';
  const { to, cc, bcc, subject, text } = mail.mail;
  return JSON.stringify({ to, cc, bcc, subject, text }, null, 2);
}

export function alertRowValues({ alert, mail }: AlertWorkbookRow): string[] {
  return [
    alert.dsKey,
    groupLabel(alert),
    day(alert.processedAt),
    alert.state,
    alert.message,
    alert.instructorsHistory.join(', '),
    alert.url,
    day(mail?.processedAt ?? null),
    mail?.state ?? '',
    mailJson(mail),
    day(alert.resolvedAt),
  ];
}

const CLOSED = 'The workbook output was closed';
// How much sheet XML may wait for compression before the reading pauses.
const MAX_ZIP_BACKLOG = 4 * 1024 * 1024;

/** Resolves at the next 'drain' of `stream`; rejects if it fails or if `output` closes first (the client went away). */
function nextDrain(stream: NodeJS.EventEmitter, output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain).off('error', settle);
      output.off('close', onClose).off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error(CLOSED));
    stream.on('drain', onDrain).on('error', settle);
    output.on('close', onClose).on('error', settle);
  });
}

interface LegacyWritable extends NodeJS.EventEmitter {
  _writableState?: { length: number; needDrain: boolean };
}

/**
 * Waits until both the compression and `output` keep up. exceljs hands each chunk of sheet XML to the zip entry
 * without waiting for it (its StreamBuf ignores backpressure), so a fast reader piles up tens of MB of XML in front
 * of zlib; the entry stream is an internal of exceljs and archiver, hence the defensive access.
 */
async function caughtUp(sheet: object, output: Writable): Promise<void> {
  if (output.destroyed) throw new Error(CLOSED);
  if (output.writableNeedDrain) await nextDrain(output, output);
  const entry = (sheet as { stream?: { pipes?: LegacyWritable[] } }).stream?.pipes?.[0];
  const state = entry?._writableState;
  if (entry && state && state.needDrain && state.length > MAX_ZIP_BACKLOG) await nextDrain(entry, output);
}

/**
 * Streams the workbook into `output` as the batches arrive: rows are committed as they are written, so memory holds
 * one batch whatever the number of alerts. Without alerts it is a valid workbook with the header row only (B17).
 * Resolves once the whole file has been handed to `output`.
 */
export async function writeAlertWorkbook(
  batches: AsyncIterable<AlertWorkbookRow[]>,
  output: Writable,
  createdAt: Date,
): Promise<void> {
  const workbook = new (loadExcelJS().stream.xlsx.WorkbookWriter)({
    stream: output,
    useStyles: false,
    useSharedStrings: false,
  });
  workbook.creator = 'Work In France';
  workbook.lastModifiedBy = 'Work In France';
  workbook.created = createdAt;
  workbook.modified = createdAt;
  const sheet = workbook.addWorksheet(ALERT_SHEET_NAME);
  sheet.columns = ALERT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  for await (const batch of batches) {
    for (const row of batch) sheet.addRow(alertRowValues(row)).commit();
    // A slow client or a slow compression must slow the reading down, not pile the workbook up in memory.
    await caughtUp(sheet, output);
  }
  sheet.commit();
  await workbook.commit();
}
