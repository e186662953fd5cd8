/**
 * Rows of the two ds-aggregator tables the back office reads, in their exact shape (domain.md section 2).
 * `ds_data` is the DS API v1 dossier JSON as received; `metadata` is what the aggregator derives from it.
 */
export interface AggregatorGroup {
  id: string;
  label: string;
  type?: 'autorisation' | 'introduction';
}

export interface DossierMetadata {
  state: string;
  procedure_id: number;
  group: AggregatorGroup;
  created_at: number;
  initiated_at: number | null;
  updated_at: number | null;
  received_at: number | null;
  processed_at: number | null;
  instructors_history: string[];
}

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
