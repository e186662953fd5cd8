import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { dossierRecord, procedureConfig } from '../database/aggregator-schema';
import { Databases, keyArray, queryRows } from '../database/database';
import { dsImportState } from '../database/schema';
import { ProcedureConfigRow } from '../dossier-source/aggregator-row';
import { ImportedDossier, mergeInstructorsHistory } from './ds-dossier.mapper';

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
   * A dossier whose content did not change is left alone (DS sends the last page again when nothing is new), so its
   * `last_modified` does not move and the jobs do not see it as changed. Returns the number of rows written.
   */
  async savePage(
    procedureNumber: number,
    dossiers: ImportedDossier[],
    endCursor: string | null,
    storedAt: Date,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      let written = 0;
      if (dossiers.length) {
        const stored = await queryRows<{ ds_key: string; history: unknown }>(
          tx,
          sql`SELECT ds_key, metadata->'instructors_history' AS history FROM dossier_record
               WHERE ds_key = ANY(${keyArray(dossiers.map((d) => d.dsKey))})`,
        );
        const histories = new Map(
          stored.map((r) => [r.ds_key, Array.isArray(r.history) ? r.history.filter((e) => typeof e === 'string') : []]),
        );
        const rows = dossiers.map((d) => ({
          dsKey: d.dsKey,
          dsData: d.dsData,
          metadata: {
            ...d.metadata,
            instructors_history: mergeInstructorsHistory(histories.get(d.dsKey) ?? [], d.instructeurs),
          },
          procedureId: d.procedureId,
          createdAt: d.createdAt,
          processedAt: d.processedAt,
          lastModified: storedAt,
          state: d.state,
        }));
        const changed = await tx
          .insert(dossierRecord)
          .values(rows)
          .onConflictDoUpdate({
            target: dossierRecord.dsKey,
            set: {
              dsData: sql.raw('excluded.ds_data'),
              metadata: sql.raw('excluded.metadata'),
              procedureId: sql.raw('excluded.procedure_id'),
              createdAt: sql.raw('excluded.created_at'),
              processedAt: sql.raw('excluded.processed_at'),
              lastModified: sql.raw('excluded.last_modified'),
              state: sql.raw('excluded.state'),
            },
            setWhere: sql`dossier_record.ds_data IS DISTINCT FROM excluded.ds_data
                       OR dossier_record.metadata IS DISTINCT FROM excluded.metadata`,
          })
          .returning({ dsKey: dossierRecord.dsKey });
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
