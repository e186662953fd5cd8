import { AggregatorGroup, DossierMetadata } from '../database/aggregator-schema';

// The JSON columns' shapes belong to the table definitions; re-exported for the readers of the rows.
export type { AggregatorGroup, DossierMetadata };

/**
 * Rows of the two ds-aggregator tables the back office reads, in their exact shape
 * (docs/domain.md#the-aggregator-tables). `ds_data` is the DS API v1 dossier JSON as received; `metadata` is what the
 * aggregator derives from it.
 */
export interface DossierRecordRow {
  ds_key: string;
  // DS JSON is untyped by nature; the mapper reads it defensively.
  ds_data: Record<string, unknown>;
  metadata: DossierMetadata;
  procedure_id: number;
  created_at: Date;
  processed_at: Date | null;
  last_modified: Date | null;
  state: string | null;
}

export interface ProcedureConfigRow {
  procedures: number[];
  group: AggregatorGroup;
}
