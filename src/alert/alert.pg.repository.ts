import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { alert } from '../database/schema';
import { AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';
import { AlertType } from './alert-type';
import { AlertRepository } from './alert.repository';

/** The row as node-postgres hands it over (timestamps may come as Date or as text, depending on the driver). */
interface AlertRow {
  id: string;
  ds_key: string;
  alert_type: string;
  message: string;
  url: string;
  group_id: string;
  group_type: string;
  group_label: string;
  state: string;
  instructors_history: unknown;
  email_usager: string | null;
  email_instructors: unknown;
  date_debut_apt: string | null;
  processed_at: Date | string | null;
  detected_at: Date | string;
  resolved_at: Date | string | null;
}

const toDate = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);

// jsonb arrives parsed from node-postgres, as text from some drivers.
const toStrings = (value: unknown): string[] => {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
};

const toAlert = (row: AlertRow): StoredAlert => ({
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
  instructorsHistory: toStrings(row.instructors_history),
  emailUsager: row.email_usager,
  emailInstructors: toStrings(row.email_instructors),
  dateDebutApt: row.date_debut_apt,
  processedAt: toDate(row.processed_at),
  detectedAt: toDate(row.detected_at) ?? new Date(0),
  resolvedAt: toDate(row.resolved_at),
});

// Reads are plain SQL: for a 100,000-row workbook the query builder's row mapping cost several times the query.
const SELECT = sql`SELECT id, ds_key, alert_type, message, url, group_id, group_type, group_label, state,
  instructors_history, email_usager, email_instructors, date_debut_apt, processed_at, detected_at, resolved_at
  FROM alert`;

function where(filter: AlertFilter, after: AlertCursor | null = null): SQL {
  const parts: SQL[] = [sql`TRUE`];
  if (filter.groupId !== undefined) parts.push(sql`group_id = ${filter.groupId}`);
  if (filter.alertType !== undefined) parts.push(sql`alert_type = ${filter.alertType}`);
  if (filter.status === 'open') parts.push(sql`resolved_at IS NULL`);
  if (filter.status === 'resolved') parts.push(sql`resolved_at IS NOT NULL`);
  // A row comparison, so that the unique (ds_key, alert_type) index serves it as one range scan.
  if (after) parts.push(sql`(ds_key, alert_type) > (${after.dsKey}, ${after.alertType})`);
  return sql.join(parts, sql` AND `);
}

// Columns refreshed from each evaluation; a row is rewritten only when one of them changed or it was resolved, so
// that re-evaluating 100,000 unchanged dossiers writes nothing.
const REFRESHED = [
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
];
const list = (columns: string[], prefix: string) => columns.map((c) => `${prefix}${c}`).join(', ');

/**
 * Batches travel as one JSON parameter each (jsonb_to_recordset), whatever their size: no bind-parameter limit and
 * one round trip per batch.
 */
@Injectable()
export class PgAlertRepository extends AlertRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async saveEvaluations(evaluations: DossierAlerts[], at: Date): Promise<SaveOutcome> {
    if (evaluations.length === 0) return { changed: 0, resolved: 0 };
    const rows = evaluations.flatMap(({ alerts }) =>
      alerts.map((a) => ({
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
        processed_at: a.processedAt?.toISOString() ?? null,
      })),
    );
    // The dossiers evaluated, and the (dossier, type) pairs they raise now: their other open alerts are resolved.
    const keys = keyArray(evaluations.map((e) => e.dsKey));
    const raised = keyArray(rows.map((r) => `${r.ds_key}\x1f${r.alert_type}`));
    const stamp = at.toISOString();
    // One statement, so one round trip and atomic. The two parts touch disjoint rows (types raised now, types not
    // raised now), so it does not matter that both see the table as it was before the statement.
    const [outcome] = await queryRows<SaveOutcome>(
      this.databases.main,
      sql`WITH upserted AS (
            INSERT INTO alert (ds_key, alert_type, ${sql.raw(list(REFRESHED, ''))}, detected_at, updated_at)
            SELECT ds_key, alert_type, ${sql.raw(list(REFRESHED, 'x.'))}, ${stamp}::timestamptz, ${stamp}::timestamptz
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
                ds_key varchar, alert_type varchar, message varchar, url varchar, group_id varchar,
                group_type varchar, group_label varchar, state varchar, instructors_history jsonb,
                email_usager varchar, email_instructors jsonb, date_debut_apt varchar, processed_at timestamptz)
            ON CONFLICT (ds_key, alert_type) DO UPDATE SET
              ${sql.raw(REFRESHED.map((c) => `${c} = excluded.${c}`).join(', '))},
              resolved_at = NULL, updated_at = excluded.updated_at
            WHERE alert.resolved_at IS NOT NULL
               OR (${sql.raw(list(REFRESHED, 'alert.'))}) IS DISTINCT FROM (${sql.raw(list(REFRESHED, 'excluded.'))})
            RETURNING 1
          ), resolved AS (
            UPDATE alert SET resolved_at = ${stamp}::timestamptz, updated_at = ${stamp}::timestamptz
             WHERE ds_key = ANY(${keys}) AND resolved_at IS NULL
               AND NOT ((ds_key || chr(31) || alert_type) = ANY(${raised}))
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM upserted)::int AS changed, (SELECT count(*) FROM resolved)::int AS resolved`,
    );
    return outcome;
  }

  async deleteAll(): Promise<number> {
    const rows = await this.databases.main.delete(alert).returning({ id: alert.id });
    return rows.length;
  }

  async count(filter: AlertFilter): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      this.databases.main,
      sql`SELECT count(*)::int AS n FROM alert WHERE ${where(filter)}`,
    );
    return row.n;
  }

  async findPage(filter: AlertFilter, offset: number, limit: number): Promise<StoredAlert[]> {
    const rows = await queryRows<AlertRow>(
      this.databases.main,
      sql`${SELECT} WHERE ${where(filter)} ORDER BY ds_key, alert_type OFFSET ${offset} LIMIT ${limit}`,
    );
    return rows.map(toAlert);
  }

  async findAfter(filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]> {
    const rows = await queryRows<AlertRow>(
      this.databases.main,
      sql`${SELECT} WHERE ${where(filter, after)} ORDER BY ds_key, alert_type LIMIT ${limit}`,
    );
    return rows.map(toAlert);
  }
}
