import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { dossierRecord, procedureConfig } from '../database/aggregator-schema';
import { Databases, keyArray, queryRows } from '../database/database';
import { dsImportState } from '../database/schema';
import { ProcedureConfigRow } from '../dossier-source/aggregator-row';
import { ImportedDossier } from './ds-dossier.mapper';

/** A page of dossiers ready to store: one JSON text, so that the dossiers' objects are garbage before any wait. */
export interface StoredPage {
  count: number;
  json: string;
}

/**
 * The page travels as one JSON parameter: building a 100-row, 800-parameter insert cost more CPU than the rest of
 * the import (about 60 ms a page, measured with a profiler).
 */
export function toStoredPage(dossiers: ImportedDossier[]): StoredPage {
  const rows = dossiers.map((d) => ({
    ds_key: d.dsKey,
    ds_data: d.dsData,
    metadata: d.metadata,
    instructeurs: d.instructeurs,
    procedure_id: d.procedureId,
    created_at: d.createdAt.toISOString(),
    processed_at: d.processedAt?.toISOString() ?? null,
    state: d.state,
  }));
  return { count: rows.length, json: JSON.stringify(rows) };
}

export interface DsImportState {
  procedureNumber: number;
  updatedSince: Date;
  endCursor: string | null;
  deletedSince: Date | null;
  completedAt: Date | null;
}

/**
 * The import's writes: dossiers into the back office's own `dossier_record` and `procedure_config` (the layout the
 * ds-aggregator had, which every job reads), and where the import stands per démarche.
 */
@Injectable()
export class DsImportRepository {
  constructor(private readonly databases: Databases) {}

  private get db() {
    return this.databases.main;
  }

  async getState(procedureNumber: number): Promise<DsImportState | null> {
    const [row] = await this.db.select().from(dsImportState).where(eq(dsImportState.procedureNumber, procedureNumber));
    return row ?? null;
  }

  /** A new sweep from `updatedSince`, without a cursor: the first run of a démarche, or a full re-import. */
  async startSweep(procedureNumber: number, updatedSince: Date): Promise<DsImportState> {
    const [row] = await this.db
      .insert(dsImportState)
      .values({ procedureNumber, updatedSince, endCursor: null })
      .onConflictDoUpdate({ target: dsImportState.procedureNumber, set: { updatedSince, endCursor: null } })
      .returning();
    return row;
  }

  /**
   * Stores one page and the cursor that follows it in one transaction, so that a crash re-reads at most this page.
   * The stored instructor history is kept in order and the current followers not in it yet are appended.
   * A dossier whose content did not change is left alone (DS sends the last page again when nothing is new), so its
   * `last_modified` does not move and the jobs do not see it as changed. Returns the number of rows written.
   */
  async savePage(procedureNumber: number, page: StoredPage, endCursor: string | null, storedAt: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      let written = 0;
      if (page.count) {
        const changed = await queryRows<{ ds_key: string }>(
          tx,
          sql`INSERT INTO dossier_record AS d
                (ds_key, ds_data, metadata, procedure_id, created_at, processed_at, last_modified, state)
              SELECT r.ds_key, r.ds_data,
                     r.metadata || jsonb_build_object('instructors_history', h.stored || COALESCE(
                       (SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(r.instructeurs) WITH ORDINALITY t(e, n)
                         WHERE NOT h.stored @> jsonb_build_array(e)), '[]'::jsonb)),
                     r.procedure_id, r.created_at, r.processed_at, ${storedAt.toISOString()}::timestamptz, r.state
                FROM jsonb_to_recordset(${page.json}::jsonb) AS r(
                       ds_key text, ds_data jsonb, metadata jsonb, instructeurs jsonb, procedure_id integer,
                       created_at timestamptz, processed_at timestamptz, state text)
                LEFT JOIN dossier_record old ON old.ds_key = r.ds_key
               CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(old.metadata->'instructors_history') = 'array'
                                               THEN old.metadata->'instructors_history' ELSE '[]'::jsonb END AS stored) h
              ON CONFLICT (ds_key) DO UPDATE SET
                ds_data = excluded.ds_data, metadata = excluded.metadata, procedure_id = excluded.procedure_id,
                created_at = excluded.created_at, processed_at = excluded.processed_at,
                last_modified = excluded.last_modified, state = excluded.state
              WHERE d.ds_data IS DISTINCT FROM excluded.ds_data OR d.metadata IS DISTINCT FROM excluded.metadata
              RETURNING ds_key`,
        );
        written = changed.length;
      }
      // Never overwrite a saved cursor with a null one: the next run would start the sweep over.
      if (endCursor !== null) {
        await tx.update(dsImportState).set({ endCursor }).where(eq(dsImportState.procedureNumber, procedureNumber));
      }
      return written;
    });
  }

  /** Removes dossiers DS deleted; returns how many were here. */
  async deleteDossiers(dsKeys: string[]): Promise<number> {
    if (dsKeys.length === 0) return 0;
    const deleted = await this.db
      .delete(dossierRecord)
      .where(sql`${dossierRecord.dsKey} = ANY(${keyArray(dsKeys)})`)
      .returning({ dsKey: dossierRecord.dsKey });
    return deleted.length;
  }

  async finishRun(procedureNumber: number, deletedSince: Date, completedAt: Date): Promise<void> {
    await this.db
      .update(dsImportState)
      .set({ deletedSince, completedAt })
      .where(eq(dsImportState.procedureNumber, procedureNumber));
  }

  /** The units of the configured démarches, as the ds-aggregator's own list was loaded: all rows replaced at once. */
  async replaceProcedureConfig(rows: ProcedureConfigRow[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const current = await tx
        .select({ procedures: procedureConfig.procedures, group: procedureConfig.group })
        .from(procedureConfig);
      const canonical = (list: Array<{ procedures: number[] | null; group: ProcedureConfigRow['group'] | null }>) =>
        JSON.stringify(
          list.map((r) => [r.procedures ?? [], r.group?.id, r.group?.label, r.group?.type ?? 'autorisation']).sort(),
        );
      if (canonical(current) === canonical(rows)) return false;
      await tx.delete(procedureConfig);
      if (rows.length) await tx.insert(procedureConfig).values(rows);
      return true;
    });
  }
}
