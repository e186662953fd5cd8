import { RejectHandler } from '../database/isolate-rows';
import { YearMonth } from '../common/paris-time';
import { GroupType } from '../dossier-source/dossier';
import { MonthCounts, MonthFigures, MonthlyReport } from './monthly-report.types';

/**
 * A report's group: Paris has two under the same id, so the type is part of the key (decision
 * units-keyed-by-id-and-type).
 */
export interface GroupKey {
  id: string;
  type: GroupType;
}

/** The built monthly reports, one per (year, month, group id, group type). */
export abstract class MonthlyReportRepository {
  /**
   * Stores `reports` as the whole content of the month, replacing what was stored for it, in one transaction. With
   * `reject`, a report the store refuses is left out and reported by group key, and the others are stored.
   */
  abstract replaceMonth(
    month: YearMonth,
    reports: MonthlyReport[],
    builtAt: Date,
    reject?: RejectHandler,
  ): Promise<void>;
  abstract find(month: YearMonth, group: GroupKey): Promise<MonthlyReport | null>;
  /** Every group's report of the month, in no particular order; empty when the month was never built. */
  abstract listMonth(month: YearMonth): Promise<MonthlyReport[]>;
  /**
   * One group's figures from `from` to `to` (both included), in month order; months never built are absent. Only the
   * counts and processing times are read: a history of 24 months or more shows figures, and the dossier lists and
   * nationalities are most of a report.
   */
  abstract findGroupFigures(group: GroupKey, from: YearMonth, to: YearMonth): Promise<MonthFigures[]>;
  /**
   * Dossiers of the month per nationality, every category together, of one group or of every group (`null`), in no
   * particular order; empty when the month was never built.
   */
  abstract countriesOfMonth(month: YearMonth, group: GroupKey | null): Promise<Map<string, number>>;
  /** Counts summed over every group, for each month of `year` that has reports, in month order. */
  abstract yearTotals(year: number): Promise<MonthCounts[]>;
}
