import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { RejectHandler, writeIsolating } from '../database/isolate-rows';
import { alert } from '../database/schema';
import { columnList, excludedSet, recordsetOf, toDate } from '../database/table-sql';
import { AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';
import { AlertRepository } from './alert.repository';
import { ALERT_READ, ALERT_REFRESHED, ALERT_WRITTEN, AlertReadRow, fromAlertRow, toAlertRow } from './alert.row';

// Reads are plain SQL: for a 100,000-row workbook the query builder's row mapping cost several times the query.
const SELECT = sql`SELECT ${columnList(alert, ALERT_READ)} FROM alert`;
const toAlert = (row: AlertReadRow<Date | string>) => fromAlertRow(row, toDate);

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

/**
 * Batches travel as one JSON parameter each (jsonb_to_recordset), whatever their size: no bind-parameter limit and
 * one round trip per batch.
 */
@Injectable()
export class PgAlertRepository extends AlertRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async saveEvaluations(evaluations: DossierAlerts[], at: Date, reject?: RejectHandler): Promise<SaveOutcome> {
    // A dossier whose row the database refuses is left out, alone, and the others are written (see writeIsolating).
    const outcomes = await writeIsolating(
      evaluations,
      (part) => this.save(part, at),
      (e) => e.dsKey,
      reject,
    );
    return outcomes.reduce((sum, o) => ({ changed: sum.changed + o.changed, resolved: sum.resolved + o.resolved }), {
      changed: 0,
      resolved: 0,
    });
  }

  private async save(evaluations: DossierAlerts[], at: Date): Promise<SaveOutcome> {
    const rows = evaluations.flatMap(({ alerts }) => alerts.map((a) => toAlertRow(a, (d) => d.toISOString())));
    // The dossiers evaluated, and the (dossier, type) pairs they raise now: their other open alerts are resolved.
    const keys = keyArray(evaluations.map((e) => e.dsKey));
    const raised = keyArray(rows.map((r) => `${r.ds_key}\x1f${r.alert_type}`));
    const stamp = at.toISOString();
    // One statement, so one round trip and atomic. The two parts touch disjoint rows (types raised now, types not
    // raised now), so it does not matter that both see the table as it was before the statement.
    const [outcome] = await queryRows<SaveOutcome>(
      this.databases.main,
      sql`WITH upserted AS (
            INSERT INTO alert (${columnList(alert, ALERT_WRITTEN)}, detected_at, updated_at)
            SELECT ${columnList(alert, ALERT_WRITTEN, 'x.')}, ${stamp}::timestamptz, ${stamp}::timestamptz
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${recordsetOf(alert, 'x', ALERT_WRITTEN)}
            ON CONFLICT (ds_key, alert_type) DO UPDATE SET
              ${excludedSet(alert, ALERT_REFRESHED)}, resolved_at = NULL, updated_at = excluded.updated_at
            WHERE alert.resolved_at IS NOT NULL
               OR (${columnList(alert, ALERT_REFRESHED, 'alert.')}) IS DISTINCT FROM (${columnList(alert, ALERT_REFRESHED, 'excluded.')})
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

  /** One grouped count, served by the partial index of open alerts. */
  async countOpenByType(groupId?: string): Promise<Map<string, number>> {
    const rows = await queryRows<{ alert_type: string; n: number }>(
      this.databases.main,
      sql`SELECT alert_type, count(*)::int AS n FROM alert
           WHERE resolved_at IS NULL ${groupId === undefined ? sql`` : sql`AND group_id = ${groupId}`}
           GROUP BY alert_type`,
    );
    return new Map(rows.map((row) => [row.alert_type, row.n]));
  }

  async findPage(filter: AlertFilter, offset: number, limit: number): Promise<StoredAlert[]> {
    const rows = await queryRows<AlertReadRow<Date | string>>(
      this.databases.main,
      sql`${SELECT} WHERE ${where(filter)} ORDER BY ds_key, alert_type OFFSET ${offset} LIMIT ${limit}`,
    );
    return rows.map(toAlert);
  }

  async findAfter(filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]> {
    const rows = await queryRows<AlertReadRow<Date | string>>(
      this.databases.main,
      sql`${SELECT} WHERE ${where(filter, after)} ORDER BY ds_key, alert_type LIMIT ${limit}`,
    );
    return rows.map(toAlert);
  }
}
