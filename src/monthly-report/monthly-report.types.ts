import { DossierGroup } from '../dossier-source/dossier';

/** Label used wherever a dossier lacks the value (nationality, APT duration): counted, never dropped. */
export const NOT_PROVIDED = 'non renseigné';

export interface ProcessingTime {
  /** Days from dépôt (initiated_at) to décision (processed_at); null when no dossier in the category has both. */
  median: number | null;
  p90: number | null;
}

/** A refused or sans-suite dossier as the workbook lists it. */
export interface DecidedDossier {
  /** DS dossier number; null when the link does not end with one. */
  number: number | null;
  /** Paris day of the decision, `YYYY-MM-DD`; null in reports built before it was stored. */
  decidedOn: string | null;
  /** Trimmed nationality, NOT_PROVIDED when missing; null in reports built before it was stored. */
  nationality: string | null;
  url: string;
}

export interface CategoryStats {
  count: number;
  /** Nationality → number of dossiers, most frequent first; missing nationality under NOT_PROVIDED. */
  countries: Record<string, number>;
  /** DS instructor URLs of the dossiers, by decision date. */
  dossiers: string[];
  /** Refused and sans-suite categories only: the same dossiers, in the same order, with what staff look up first. */
  decided?: DecidedDossier[];
  processingDays: ProcessingTime;
}

export type CategoryKey = 'more3Months' | 'less3Months' | 'unknownDuration' | 'refused' | 'withoutContinuation';

/**
 * One unit's figures for one month: the dossiers decided in that month (processed_at, Paris month), classified by
 * their current state. `unknownDuration` holds accepted dossiers whose APT dates are missing or malformed.
 */
export interface MonthlyReport {
  year: number;
  /** 1 to 12. */
  month: number;
  group: DossierGroup;
  categories: Record<CategoryKey, CategoryStats>;
  /** Counts of the previous month for the same group, null when none was built. */
  previousCounts: Record<CategoryKey, number> | null;
}

/** One month's counts, e.g. summed over every group for the national workbook. */
export interface MonthCounts {
  /** 1 to 12. */
  month: number;
  counts: Record<CategoryKey, number>;
}

/**
 * One group's figures for one month without its dossier lists or nationalities: what a history of many months shows.
 * `processingDays` is the "APT + 3 mois" category's.
 */
export interface MonthFigures {
  year: number;
  /** 1 to 12. */
  month: number;
  counts: Record<CategoryKey, number>;
  processingDays: ProcessingTime;
}
