import { dossierRecord } from '../../src/database/aggregator-schema';
import { Databases } from '../../src/database/database';
import { DossierRecordRow } from '../../src/dossier-source/aggregator-row';

/** Writes rows in the aggregator's `dossier_record` shape to the stand-in aggregator table. */
export async function insertDossierRecords(databases: Databases, rows: DossierRecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  await databases.main.insert(dossierRecord).values(
    rows.map((r) => ({
      dsKey: r.ds_key,
      dsData: r.ds_data,
      metadata: r.metadata,
      procedureId: r.procedure_id,
      createdAt: r.created_at,
      processedAt: r.processed_at,
      lastModified: r.last_modified,
      state: r.state,
    })),
  );
}
