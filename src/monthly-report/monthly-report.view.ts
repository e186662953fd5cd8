import { monthIndex, shiftMonth, YearMonth } from '../common/paris-time';
import { DossierGroup } from '../dossier-source/dossier';
import { frenchMonthName, frenchMonthYear } from './french-months';
import { CategoryKey, DecidedDossier, MonthlyReport } from './monthly-report.types';

// The monthly figures and their labels, stated once: the unit workbook, the national workbook, the mails and the
// JSON all take their numbers and words from here, so that they never disagree.

export const CATEGORY_KEYS: readonly CategoryKey[] = [
  'more3Months',
  'less3Months',
  'unknownDuration',
  'refused',
  'withoutContinuation',
];

export const ACCEPTED_KEYS: readonly CategoryKey[] = ['more3Months', 'less3Months', 'unknownDuration'];

export const CATEGORY_LABELS: Record<CategoryKey, string> = {
  more3Months: 'APT + 3 mois',
  less3Months: 'APT - 3 mois',
  unknownDuration: 'APT durée non renseignée',
  refused: 'APT refusées',
  withoutContinuation: 'APT sans suite',
};

/** Shorter, for column headers over numbers. */
export const CATEGORY_HEADERS: Record<CategoryKey, string> = {
  more3Months: 'APT + 3 mois',
  less3Months: 'APT - 3 mois',
  unknownDuration: 'Durée non renseignée',
  refused: 'Refusées',
  withoutContinuation: 'Sans suite',
};

export const ACCEPTED_LABEL = 'APT acceptées';

/**
 * What the nationality rankings count, said next to every ranking: every accepted dossier, with or without a known
 * APT duration, so that the ranking adds up to the accepted total shown beside it.
 */
export const NATIONALITIES_SCOPE = 'toutes les APT acceptées, durée connue ou non';

/** Shown where a figure does not exist (no decided dossier with both dates, no previous report). */
export const NOT_AVAILABLE = '—';

export const TOP_NATIONALITIES = 10;
/** Months in the trend chart and table, the report month included. */
export const TREND_MONTHS = 12;

/** The group label, with the type spelled out for introductions: Paris has both under the same id and label. */
export function groupDisplayLabel(group: DossierGroup): string {
  return group.type === 'introduction' ? `${group.label} (introduction)` : group.label;
}

/** Units in a stable order: by id (numeric-aware, so `2A` and `02` sort sensibly), autorisation before introduction. */
export function compareGroups(a: DossierGroup, b: DossierGroup): number {
  const byId = a.id.localeCompare(b.id, 'fr', { numeric: true });
  if (byId !== 0) return byId;
  return a.type === b.type ? 0 : a.type === 'autorisation' ? -1 : 1;
}

export type Counts = Record<CategoryKey, number>;

export function zeroCounts(): Counts {
  return { more3Months: 0, less3Months: 0, unknownDuration: 0, refused: 0, withoutContinuation: 0 };
}

export function reportCounts(report: MonthlyReport): Counts {
  const counts = zeroCounts();
  for (const key of CATEGORY_KEYS) counts[key] = report.categories[key].count;
  return counts;
}

export function addCounts(total: Counts, counts: Counts): void {
  for (const key of CATEGORY_KEYS) total[key] += counts[key];
}

export function sumCounts(counts: Counts, keys: readonly CategoryKey[] = CATEGORY_KEYS): number {
  return keys.reduce((sum, key) => sum + counts[key], 0);
}

/**
 * The categories worth a line: the unknown-duration one only when it holds dossiers this month or held some last
 * month (a drop to zero is news too). It is a data-quality residue and would otherwise be a line of zeros.
 */
export function visibleCategories(report: MonthlyReport): CategoryKey[] {
  const unknownMatters =
    report.categories.unknownDuration.count > 0 || (report.previousCounts?.unknownDuration ?? 0) > 0;
  return CATEGORY_KEYS.filter((key) => key !== 'unknownDuration' || unknownMatters);
}

/**
 * Nationality counts merged over several categories. A Map, not an object: a nationality typed `constructor` or
 * `__proto__` is a name like any other, not a property of Object.prototype.
 */
export function mergeCountries(countries: Array<Record<string, number>>): Map<string, number> {
  const merged = new Map<string, number>();
  for (const record of countries) {
    for (const [country, count] of Object.entries(record)) merged.set(country, (merged.get(country) ?? 0) + count);
  }
  return merged;
}

/** At most `limit` nationalities, most frequent first; ties keep first-seen order (the sort is stable). */
export function topCountries(
  countries: Record<string, number> | Map<string, number>,
  limit: number,
): Array<[string, number]> {
  const entries = countries instanceof Map ? [...countries.entries()] : Object.entries(countries);
  return entries.sort((a, b) => b[1] - a[1]).slice(0, limit);
}

/** `+3`, `-2` or `=`. */
export function signedDifference(current: number, previous: number): string {
  const diff = current - previous;
  if (diff === 0) return '=';
  return diff > 0 ? `+${diff}` : `${diff}`;
}

/** Days to one decimal: medians of even-sized sets and percentiles may be fractional, more digits is noise. */
export function roundDays(days: number | null): number | null {
  return days === null ? null : Math.round(days * 10) / 10;
}

/** French decimal comma, as in the workbook opened with a French locale. */
export function formatDays(days: number): string {
  return String(days).replace('.', ',');
}

// ---------------------------------------------------------------------------------------------------------------------
// One unit's month.

export interface FigureLine {
  /** A category, or the total. */
  key: CategoryKey | 'total';
  label: string;
  count: number;
  /** Last month's count; null when last month has no report. */
  previous: number | null;
  /** Processing time in days, one decimal; null for the total and when no dossier of the category had both dates. */
  medianDays: number | null;
  p90Days: number | null;
}

export interface UnitFigures {
  group: DossierGroup;
  label: string;
  year: number;
  month: number;
  /** `septembre 2020`. */
  period: string;
  /** `août`. */
  previousMonthName: string;
  lines: FigureLine[];
  total: FigureLine;
  accepted: number;
  /** Over NATIONALITIES_SCOPE, at most TOP_NATIONALITIES. */
  nationalities: Array<[string, number]>;
  hasPrevious: boolean;
}

export function unitFigures(report: MonthlyReport): UnitFigures {
  const previous = report.previousCounts;
  const line = (key: CategoryKey): FigureLine => ({
    key,
    label: CATEGORY_LABELS[key],
    count: report.categories[key].count,
    previous: previous ? previous[key] : null,
    medianDays: roundDays(report.categories[key].processingDays.median),
    p90Days: roundDays(report.categories[key].processingDays.p90),
  });
  const counts = reportCounts(report);
  return {
    group: report.group,
    label: groupDisplayLabel(report.group),
    year: report.year,
    month: report.month,
    period: frenchMonthYear(report.year, report.month),
    previousMonthName: frenchMonthName(shiftMonth(report, -1).month),
    lines: visibleCategories(report).map(line),
    // A total has no processing time: the median of a union is not derivable from the medians of its parts.
    total: {
      key: 'total',
      label: 'Total',
      count: sumCounts(counts),
      previous: previous ? sumCounts(previous) : null,
      medianDays: null,
      p90Days: null,
    },
    accepted: sumCounts(counts, ACCEPTED_KEYS),
    nationalities: topCountries(
      mergeCountries(ACCEPTED_KEYS.map((key) => report.categories[key].countries)),
      TOP_NATIONALITIES,
    ),
    hasPrevious: previous !== null,
  };
}

/** The dossier number at the end of a DS dossier link. */
export function dossierNumberFromUrl(url: string): number | null {
  const m = /\/dossiers\/(\d{1,15})\/?$/.exec(url);
  return m ? Number(m[1]) : null;
}

/**
 * The refused or sans-suite dossiers of a category, as listed in the workbook. Reports built before the decision
 * date and nationality were stored have the links only: the number is then read from the link.
 */
export function decidedDossiers(report: MonthlyReport, key: 'refused' | 'withoutContinuation'): DecidedDossier[] {
  const stats = report.categories[key];
  if (stats.decided) return stats.decided;
  return stats.dossiers.map((url) => ({ number: dossierNumberFromUrl(url), decidedOn: null, nationality: null, url }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Trend: the last months, for the charts and the national summary.

export interface TrendPoint extends YearMonth {
  /** `sept. 2020`: short enough for a chart axis. */
  label: string;
  /** Null when that month has no report (before the first report month, or never built). */
  counts: Counts | null;
}

const SHORT_MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
] as const;

export function shortMonthLabel({ year, month }: YearMonth): string {
  return `${SHORT_MONTHS[month - 1]} ${String(year).slice(2)}`;
}

/** The TREND_MONTHS months ending with `last`, oldest first. */
export function trendMonths(last: YearMonth, months = TREND_MONTHS): YearMonth[] {
  const first = shiftMonth(last, -(months - 1));
  const result: YearMonth[] = [];
  for (let m = first; monthIndex(m) <= monthIndex(last); m = shiftMonth(m, 1)) result.push(m);
  return result;
}

export function trendPoints(months: YearMonth[], countsOf: (month: YearMonth) => Counts | null): TrendPoint[] {
  return months.map((m) => ({ year: m.year, month: m.month, label: shortMonthLabel(m), counts: countsOf(m) }));
}

// ---------------------------------------------------------------------------------------------------------------------
// The national month: every unit as one row.

export interface UnitRow {
  group: DossierGroup;
  label: string;
  counts: Counts;
  accepted: number;
  total: number;
  previousTotal: number | null;
}

export interface NationalFigures {
  year: number;
  month: number;
  period: string;
  previousMonthName: string;
  units: UnitRow[];
  counts: Counts;
  accepted: number;
  total: number;
  previousTotal: number | null;
  nationalities: Array<[string, number]>;
  trend: TrendPoint[];
}

export function nationalFigures(month: YearMonth, reports: MonthlyReport[], trend: TrendPoint[]): NationalFigures {
  const counts = zeroCounts();
  let previousTotal: number | null = 0;
  const units = [...reports]
    .sort((a, b) => compareGroups(a.group, b.group))
    .map((report): UnitRow => {
      const unitCounts = reportCounts(report);
      addCounts(counts, unitCounts);
      const previous = report.previousCounts ? sumCounts(report.previousCounts) : null;
      previousTotal = previous === null || previousTotal === null ? null : previousTotal + previous;
      return {
        group: report.group,
        label: groupDisplayLabel(report.group),
        counts: unitCounts,
        accepted: sumCounts(unitCounts, ACCEPTED_KEYS),
        total: sumCounts(unitCounts),
        previousTotal: previous,
      };
    });
  const nationalities = topCountries(
    mergeCountries(reports.flatMap((r) => ACCEPTED_KEYS.map((key) => r.categories[key].countries))),
    TOP_NATIONALITIES,
  );
  return {
    year: month.year,
    month: month.month,
    period: frenchMonthYear(month.year, month.month),
    previousMonthName: frenchMonthName(shiftMonth(month, -1).month),
    units,
    counts,
    accepted: sumCounts(counts, ACCEPTED_KEYS),
    total: sumCounts(counts),
    previousTotal: units.length === 0 ? null : previousTotal,
    nationalities,
    trend,
  };
}
