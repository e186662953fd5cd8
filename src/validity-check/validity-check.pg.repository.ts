import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, count, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { RejectHandler, writeIsolating } from '../database/isolate-rows';
import { validityCheck } from '../database/schema';
import { columnList, excludedSet, recordsetOf, selectionOf } from '../database/table-sql';
import { ValidityCheck } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';
import {
  VALIDITY_CHECK_WRITTEN,
  ValidityCheckWrittenRow,
  fromValidityCheckRow,
  toValidityCheckRow,
} from './validity-check.row';

// The drivers differ on these types read raw (a bigint as number or BigInt, a date as Date or text): text, mapped.
const AS_TEXT = { dossier_id: 'text', fin_apt: 'text' } as const;

interface LookupKey {
  dossierId: number;
  dateDeNaissance: string;
}

/** A batched lookup's row: the key's position, then the check's columns (text where drivers differ). */
type BatchRow = Omit<ValidityCheckWrittenRow, 'dossier_id'> & { n: number; dossier_id: string };

@Injectable()
export class PgValidityCheckRepository extends ValidityCheckRepository {
  /** The public lookup, prepared once: the hot path builds no SQL. */
  private readonly lookup;
  /**
   * Public lookups that arrive in the same turn of the event loop go to the database as one statement: socket
   * writes were the largest cost of a check, and batching them doubled the uncached throughput (README,
   * Performance). Alone, a lookup waits for nothing and takes the prepared statement.
   */
  private readonly lookups = new DataLoader<LookupKey, ValidityCheck | null>((keys) => this.lookupMany(keys), {
    cache: false,
    maxBatchSize: 200,
    batchScheduleFn: (run) => setImmediate(run),
  });

  constructor(private readonly databases: Databases) {
    super();
    this.lookup = databases.main
      .select(selectionOf(validityCheck, VALIDITY_CHECK_WRITTEN))
      .from(validityCheck)
      .where(
        and(
          eq(validityCheck.dossierId, sql.placeholder('dossierId')),
          eq(validityCheck.dateDeNaissance, sql.placeholder('dateDeNaissance')),
        ),
      )
      .limit(1)
      .prepare('validity_check_lookup');
  }

  /**
   * One statement per batch, the rows passed as a single JSON parameter: far cheaper to build and to send than a
   * VALUES list of a thousand rows × twelve parameters. A check the database refuses is left out and reported to
   * `reject`, the others are written (see writeIsolating).
   */
  async upsertMany(checks: ValidityCheck[], syncedAt: Date, reject?: RejectHandler): Promise<void> {
    await writeIsolating(
      checks,
      (part) => this.upsert(part, syncedAt),
      (c) => c.dsKey,
      reject,
    );
  }

  private async upsert(checks: ValidityCheck[], syncedAt: Date): Promise<void> {
    const rows = JSON.stringify(checks.map(toValidityCheckRow));
    await this.databases.main.execute(sql`
      INSERT INTO validity_check (${columnList(validityCheck, VALIDITY_CHECK_WRITTEN)}, synced_at)
      SELECT ${columnList(validityCheck, VALIDITY_CHECK_WRITTEN)}, ${syncedAt.toISOString()}::timestamptz
        FROM jsonb_to_recordset(${rows}::jsonb) AS ${recordsetOf(validityCheck, 'r', VALIDITY_CHECK_WRITTEN)}
      ON CONFLICT (ds_key) DO UPDATE SET ${excludedSet(validityCheck, [...VALIDITY_CHECK_WRITTEN.slice(1), 'synced_at'])}`);
  }

  async deleteByDsKeys(dsKeys: string[]): Promise<number> {
    if (dsKeys.length === 0) return 0;
    // One parameter rather than one per key: batches hold up to a thousand keys.
    const rows = await queryRows<{ id: string }>(
      this.databases.main,
      sql`DELETE FROM validity_check
           WHERE ds_key = ANY(${keyArray(dsKeys)}) RETURNING id`,
    );
    return rows.length;
  }

  async deleteNotSyncedSince(syncedBefore: Date): Promise<number> {
    const rows = await this.databases.main
      .delete(validityCheck)
      .where(lt(validityCheck.syncedAt, syncedBefore))
      .returning({ id: validityCheck.id });
    return rows.length;
  }

  async deleteExpired(today: string): Promise<number> {
    const rows = await this.databases.main
      .delete(validityCheck)
      .where(and(isNotNull(validityCheck.finApt), lt(validityCheck.finApt, today)))
      .returning({ id: validityCheck.id });
    return rows.length;
  }

  findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null> {
    return this.lookups.load({ dossierId, dateDeNaissance });
  }

  private async lookupMany(keys: readonly LookupKey[]): Promise<Array<ValidityCheck | null>> {
    if (keys.length === 1) {
      const { dossierId, dateDeNaissance } = keys[0];
      const [row] = await this.lookup.execute({ dossierId, dateDeNaissance });
      return [row ? fromValidityCheckRow(row as ValidityCheckWrittenRow) : null];
    }
    // One index probe per key (LATERAL … LIMIT 1, as the single lookup), whatever plan the rest gets.
    const rows = await queryRows<BatchRow>(
      this.databases.main,
      sql`SELECT k.n::int AS n, ${columnList(validityCheck, VALIDITY_CHECK_WRITTEN, 'c.', AS_TEXT)}
            FROM unnest(${keyArray(keys.map((k) => String(k.dossierId)))}::bigint[],
                        ${keyArray(keys.map((k) => k.dateDeNaissance))}) WITH ORDINALITY AS k(id, day, n)
            CROSS JOIN LATERAL (SELECT * FROM validity_check v
                                 WHERE v.dossier_id = k.id AND v.date_de_naissance = k.day LIMIT 1) c`,
    );
    const found: Array<ValidityCheck | null> = keys.map(() => null);
    for (const { n, ...row } of rows) found[n - 1] = fromValidityCheckRow(row);
    return found;
  }

  async count(): Promise<number> {
    const [row] = await this.databases.main.select({ n: count() }).from(validityCheck);
    return row.n;
  }
}
