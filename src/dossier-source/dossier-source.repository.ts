import { Dossier, DossierGroup } from './dossier';

export interface DossierFilter {
  /** Only dossiers saved by the aggregator at or after this instant; null for all. */
  changedSince: Date | null;
  /** Dossiers in these states are read too, changed or not (time-based rules must see them every run). */
  alsoInStates?: string[];
  /** Restrict to these states. */
  states?: string[];
  /** Only this DS dossier number, under any configured procedure (looked up by its ds_keys, indexed). */
  dossierId?: number;
}

/** The costly parts of a dossier, read only when a job needs them (APT annotations are always read). */
export interface DossierFields {
  /** Public champs (names, birth date, nationality, contract): all, none, or only those with these labels. */
  champs: 'all' | 'none' | readonly string[];
  /**
   * Read the public champs only for dossiers that may hold an APT valid on this Paris day: accepted, and an
   * introduction or an autorisation whose "Date de fin APT" is not a day before it. A cheap superset: the rules still
   * decide, and they decide the others ("not accepted", "expired") before looking at any public champ.
   */
  champsOnlyIfAptValidOn?: string;
  messages: boolean;
}

export const ALL_FIELDS: DossierFields = { champs: 'all', messages: true };

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
  abstract stream(filter: DossierFilter, batchSize?: number, fields?: DossierFields): AsyncGenerator<DossierBatch>;
  /** The configured groups, once per (id, type). */
  abstract listGroups(): Promise<DossierGroup[]>;
}
