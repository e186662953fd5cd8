import { Dossier, DossierGroup } from './dossier';

export interface DossierFilter {
  /** Only dossiers saved by the aggregator at or after this instant; null for all. */
  changedSince: Date | null;
  /** Dossiers in these states are read too, changed or not (time-based rules must see them every run). */
  alsoInStates?: string[];
  /** Restrict to these states. */
  states?: string[];
}

export interface BrokenRecord {
  dsKey: string;
  reason: string;
}

export interface DossierBatch {
  dossiers: Dossier[];
  /** Rows too damaged to become a dossier at all (no usable dossier number). */
  broken: BrokenRecord[];
}

/**
 * Read-only access to the ds-aggregator's `dossier_record` and `procedure_config`. Reads are streamed in batches so
 * that memory does not grow with the number of dossiers.
 */
export abstract class DossierSourceRepository {
  abstract count(filter: DossierFilter): Promise<number>;
  abstract stream(filter: DossierFilter, batchSize?: number): AsyncGenerator<DossierBatch>;
  /** The configured groups, once per (id, type). */
  abstract listGroups(): Promise<DossierGroup[]>;
}
