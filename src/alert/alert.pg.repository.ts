import { Injectable } from '@nestjs/common';
import { SQL, and, asc, count, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { Databases, queryRows } from '../database/database';
import { alert } from '../database/schema';
import { AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';
import { AlertType } from './alert-type';
import { AlertRepository } from './alert.repository';

type Row = typeof alert.$inferSelect;

const toAlert = (row: Row): StoredAlert => ({
  id: row.id,
  dsKey: row.dsKey,
  alertType: row.alertType as AlertType,
  message: row.message,
  url: row.url,
  group: {
    id: row.groupId,
    type: row.groupType === 'introduction' ? 'introduction' : 'autorisation',
    label: row.groupLabel,
  },
  state: row.state,
  instructorsHistory: row.instructorsHistory,
  emailUsager: row.emailUsager,
  emailInstructors: row.emailInstructors,
  dateDebutApt: row.dateDebutApt,
  processedAt: row.processedAt,
  detectedAt: row.detectedAt,
  resolvedAt: row.resolvedAt,
});

function where(filter: AlertFilter): SQL | undefined {
  return and(
    filter.groupId !== undefined ? eq(alert.groupId, filter.groupId) : undefined,
    filter.alertType !== undefined ? eq(alert.alertType, filter.alertType) : undefined,
    filter.status === 'open' ? isNull(alert.resolvedAt) : undefined,
    filter.status === 'resolved' ? isNotNull(alert.resolvedAt) : undefined,
  );
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
    // Each dossier with the types it raises now: its other open alerts are resolved.
    const current = evaluations.map((e) => ({ ds_key: e.dsKey, types: e.alerts.map((a) => a.alertType) }));
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
              FROM jsonb_to_recordset(${JSON.stringify(current)}::jsonb) AS e(ds_key varchar, types jsonb)
             WHERE alert.ds_key = e.ds_key AND alert.resolved_at IS NULL AND NOT (e.types ? alert.alert_type)
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
    const [row] = await this.databases.main.select({ n: count() }).from(alert).where(where(filter));
    return row.n;
  }

  async findPage(filter: AlertFilter, offset: number, limit: number): Promise<StoredAlert[]> {
    const rows = await this.databases.main
      .select()
      .from(alert)
      .where(where(filter))
      .orderBy(asc(alert.dsKey), asc(alert.alertType))
      .offset(offset)
      .limit(limit);
    return rows.map(toAlert);
  }

  async findAfter(filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]> {
    const rows = await this.databases.main
      .select()
      .from(alert)
      .where(
        and(
          where(filter),
          after
            ? or(gt(alert.dsKey, after.dsKey), and(eq(alert.dsKey, after.dsKey), gt(alert.alertType, after.alertType)))
            : undefined,
        ),
      )
      .orderBy(asc(alert.dsKey), asc(alert.alertType))
      .limit(limit);
    return rows.map(toAlert);
  }
}
