import { alert } from '../database/schema';
import { TableRow, fromJson, overLongColumn } from '../database/table-sql';
import { Alert, StoredAlert } from './alert';
import { AlertType } from './alert-type';

/**
 * An alert as stored: the `alert` table's row, and on Kinto the same fields in a record (instants `I`: Dates or ISO
 * text from SQL, epoch ms on Kinto). Both stores map through the functions below.
 */
export type AlertRow<I = Date> = TableRow<typeof alert, I>;

/**
 * Columns refreshed from each evaluation: a stored alert is rewritten only when one of them changed or it was
 * resolved, so that re-evaluating 100,000 unchanged dossiers writes nothing.
 */
export const ALERT_REFRESHED = [
  'message',
  'url',
  'group_id',
  'group_type',
  'group_label',
  'state',
  'instructors_history',
  'email_usager',
  'email_instructors',
  'date_debut_apt',
  'processed_at',
] as const satisfies ReadonlyArray<keyof AlertRow>;

/** What one evaluation writes of an alert: its key and the refreshed columns. */
export const ALERT_WRITTEN = ['ds_key', 'alert_type', ...ALERT_REFRESHED] as const;
export type AlertWrittenRow<I> = Pick<AlertRow<I>, (typeof ALERT_WRITTEN)[number]>;
export type AlertRefreshedRow<I> = Pick<AlertRow<I>, (typeof ALERT_REFRESHED)[number]>;

/** What a read returns of an alert (every column but the bookkeeping `updated_at`). */
export const ALERT_READ = [...ALERT_WRITTEN, 'id', 'detected_at', 'resolved_at'] as const;
export type AlertReadRow<I> = Pick<AlertRow<I>, (typeof ALERT_READ)[number]>;

export function toAlertRow<I>(a: Alert, instant: (date: Date) => I): AlertWrittenRow<I> {
  return {
    ds_key: a.dsKey,
    alert_type: a.alertType,
    message: a.message,
    url: a.url,
    group_id: a.group.id,
    group_type: a.group.type,
    group_label: a.group.label,
    state: a.state,
    instructors_history: a.instructorsHistory,
    email_usager: a.emailUsager,
    email_instructors: a.emailInstructors,
    date_debut_apt: a.dateDebutApt,
    processed_at: a.processedAt === null ? null : instant(a.processedAt),
  };
}

// jsonb may arrive as text from some drivers; anything but strings is dropped.
const strings = (value: unknown): string[] => {
  const parsed = fromJson<unknown>(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
};

export function fromAlertRow<I>(row: AlertReadRow<I>, date: (instant: I) => Date): StoredAlert {
  return {
    id: row.id,
    dsKey: row.ds_key,
    alertType: row.alert_type as AlertType,
    message: row.message,
    url: row.url,
    group: {
      id: row.group_id,
      type: row.group_type === 'introduction' ? 'introduction' : 'autorisation',
      label: row.group_label,
    },
    state: row.state,
    instructorsHistory: strings(row.instructors_history),
    emailUsager: row.email_usager,
    emailInstructors: strings(row.email_instructors),
    dateDebutApt: row.date_debut_apt,
    processedAt: row.processed_at === null ? null : date(row.processed_at),
    detectedAt: date(row.detected_at),
    resolvedAt: row.resolved_at === null ? null : date(row.resolved_at),
  };
}

/** Why this alert cannot be stored (a value longer than its column), or null. */
export function unstorableAlert(a: Alert): string | null {
  return overLongColumn(
    alert,
    toAlertRow(a, (d) => d),
  );
}
