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
    const raised = rows.map((r) => `${r.ds_key}:${r.alert_type}`);
    const dsKeys = evaluations.map((e) => e.dsKey);
    const stamp = at.toISOString();
    return this.databases.main.transaction(async (tx) => {
      let changed = 0;
      if (rows.length > 0) {
        const upserted = await queryRows<{ id: string }>(
          tx,
          sql`INSERT INTO alert (ds_key, alert_type, ${sql.raw(list(REFRESHED, ''))}, detected_at, updated_at)
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
              RETURNING id`,
        );
        changed = upserted.length;
      }
      const resolved = await queryRows<{ id: string }>(
        tx,
        sql`UPDATE alert SET resolved_at = ${stamp}::timestamptz, updated_at = ${stamp}::timestamptz
             WHERE resolved_at IS NULL
               AND ds_key IN (SELECT jsonb_array_elements_text(${JSON.stringify(dsKeys)}::jsonb))
               AND ds_key || ':' || alert_type NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(raised)}::jsonb))
             RETURNING id`,
      );
      return { changed, resolved: resolved.length };
    });
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
