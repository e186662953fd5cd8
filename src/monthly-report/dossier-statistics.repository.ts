import { YearMonth } from '../common/paris-time';
import { DossierGroup } from '../dossier-source/dossier';
import { CategoryKey, CategoryStats } from './monthly-report.types';

/** What the dossiers of one group decided in one month amount to; a category without dossiers is absent. */
export interface GroupDecisions {
  /** Label as the dossiers carry it (`metadata.group.label`); the configured one takes precedence downstream. */
  group: DossierGroup;
  categories: Partial<Record<CategoryKey, CategoryStats>>;
}

export interface MonthDecisions {
  month: YearMonth;
  /** Only the groups with at least one dossier decided in the month. */
  groups: GroupDecisions[];
  /** Dossiers decided in the month whose row carries no group id: they belong to no report. */
  ungrouped: number;
}

/**
 * Monthly statistics over the aggregator's dossiers, computed where the dossiers are (never by loading them).
 *
 * The rules every implementation follows:
 * - a dossier belongs to the Paris month (Europe/Paris) of its decision: the `processed_at` column, or when it is NULL
 *   or the aggregator's 1970-01-01 placeholder, `metadata.processed_at`, then `ds_data.processed_at`;
 * - it is classified by its current state: `closed` → `more3Months` when the APT ("Date de début APT" to "Date de fin
 *   APT", private annotations, `YYYY-MM-DD`) spans at least `LONG_APT_MIN_DAYS` calendar days counting both ends,
 *   `less3Months` when shorter, `unknownDuration` when a date is missing, malformed or the end precedes the start;
 *   `refused` → `refused`; `without_continuation` → `withoutContinuation`; any other state is not counted;
 * - its group is `metadata.group` (id and type, a missing type meaning autorisation): Paris autorisation and Paris
 *   introduction are two groups;
 * - nationality is the trimmed value of the first public champ labelled exactly `Nationalité`, `non renseigné` when
 *   absent or empty; countries are ordered by count, then name;
 * - processing time is counted in Paris calendar days from dépôt (`initiated_at`) to décision; dossiers lacking a
 *   dépôt date, or decided before it, are left out of the median and 90th percentile (continuous percentiles);
 * - dossier links are `{DS_BASE_URL}/procedures/{procedure}/dossiers/{dossier}`, by decision time.
 */
export abstract class DossierStatisticsRepository {
  /** Month by month from `from` to `to` inclusive, in order, months without any decision included. */
  abstract decisionsByMonth(from: YearMonth, to: YearMonth): AsyncGenerator<MonthDecisions>;
}
