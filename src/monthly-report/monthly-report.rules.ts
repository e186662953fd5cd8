import { formatYearMonth, parisMonth, shiftMonth, YearMonth } from '../common/paris-time';
import { monthlyReport } from '../database/schema';
import { overLongColumn } from '../database/table-sql';
import { DossierGroup, GroupType } from '../dossier-source/dossier';
import { GroupDecisions, MonthDecisions } from './dossier-statistics.repository';
import { CategoryKey, CategoryStats, MonthlyReport } from './monthly-report.types';
import { GroupKey } from './monthly-report.repository';
import { CATEGORY_KEYS, compareGroups, reportCounts } from './monthly-report.view';

const INTRODUCTION_SUFFIX = '-introduction';

/**
 * An accepted dossier is counted as `more3Months` when its APT spans at least this many calendar days, both ends
 * included (three months, whatever their lengths), and as `less3Months` when shorter. The statistics query applies it.
 */
export const LONG_APT_MIN_DAYS = 91;

/** Map key of a group: id and type, since Paris has two groups under one id (decision units-keyed-by-id-and-type). */
export function groupKey(group: GroupKey): string {
  return `${group.id}/${group.type}`;
}

/**
 * Why a report cannot be stored (a group id or label longer than its column, e.g. a mistyped procedure setting), or
 * null: such a group is skipped rather than failing its whole month.
 */
export function unstorableReport(report: MonthlyReport): string | null {
  const { id, type, label } = report.group;
  return overLongColumn(monthlyReport, { group_id: id, group_type: type, group_label: label });
}

/** How routes and recipient settings name a group: `75` for an autorisation group, `75-introduction` otherwise. */
export function groupSlug(group: GroupKey): string {
  return group.type === 'introduction' ? `${group.id}${INTRODUCTION_SUFFIX}` : group.id;
}

export function parseGroupSlug(slug: string): GroupKey {
  const type: GroupType = slug.endsWith(INTRODUCTION_SUFFIX) ? 'introduction' : 'autorisation';
  const id = type === 'introduction' ? slug.slice(0, -INTRODUCTION_SUFFIX.length) : slug;
  return { id, type };
}

export function emptyCategory(): CategoryStats {
  return { count: 0, countries: {}, dossiers: [], processingDays: { median: null, p90: null } };
}

/** Counts per group, to serve as the next month's `previousCounts`. */
export type GroupCounts = Map<string, Record<CategoryKey, number>>;

export function countsByGroup(reports: MonthlyReport[]): GroupCounts {
  return new Map(reports.map((report) => [groupKey(report.group), reportCounts(report)]));
}

export interface MonthAssembly {
  decisions: MonthDecisions;
  /** The configured groups: each gets a report every month, with zeros when nothing was decided. */
  configuredGroups: DossierGroup[];
  /** The previous month's counts per group; null when no report exists for that month. */
  previous: GroupCounts | null;
}

/**
 * Every group's report for one month: the configured groups (with the configured label) and any other group the
 * decided dossiers carry, so that no decided dossier with a group is left out of every report.
 */
export function assembleMonthlyReports({ decisions, configuredGroups, previous }: MonthAssembly): MonthlyReport[] {
  const groups = new Map<string, DossierGroup>();
  const stats = new Map<string, GroupDecisions>();
  for (const group of configuredGroups) groups.set(groupKey(group), group);
  for (const decided of decisions.groups) {
    const key = groupKey(decided.group);
    stats.set(key, decided);
    if (!groups.has(key)) groups.set(key, decided.group);
  }
  return [...groups.entries()]
    .sort(([, a], [, b]) => compareGroups(a, b))
    .map(([key, group]) => buildReport(decisions.month, group, stats.get(key), previous, key));
}

function buildReport(
  { year, month }: YearMonth,
  group: DossierGroup,
  decided: GroupDecisions | undefined,
  previous: GroupCounts | null,
  key: string,
): MonthlyReport {
  const categories = {} as Record<CategoryKey, CategoryStats>;
  for (const category of CATEGORY_KEYS) categories[category] = decided?.categories[category] ?? emptyCategory();
  return {
    year,
    month,
    group: { id: group.id, label: group.label, type: group.type },
    categories,
    // A group absent from last month's reports was neither configured nor decided anything then: zero, not unknown.
    previousCounts: previous ? (previous.get(key) ?? zeroCounts()) : null,
  };
}

export function zeroCounts(): Record<CategoryKey, number> {
  return { more3Months: 0, less3Months: 0, unknownDuration: 0, refused: 0, withoutContinuation: 0 };
}

/** Most frequent first, then by name, whatever order the storage gave the keys back in (jsonb sorts them). */
export function sortCountries(countries: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(countries).sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0)));
}

/** One monthly mail: the national summary, or one unit's report. */
export type PlannedMail =
  { scope: 'national'; recipient: string } | { scope: 'unit'; recipient: string; report: MonthlyReport };

function addresses(list: readonly string[] | undefined): string[] {
  const seen = new Map<string, string>();
  for (const recipient of list ?? []) {
    const address = recipient.trim();
    if (address && !seen.has(address.toLowerCase())) seen.set(address.toLowerCase(), address);
  }
  return [...seen.values()];
}

/**
 * Who gets which mail: the default recipients get the national summary (with every workbook attached), a unit's
 * own recipients get that unit's mail. Recipients are compared case-insensitively; the first spelling met is kept.
 */
export function planMonthlyMails(
  reports: MonthlyReport[],
  defaultRecipients: string[],
  groupRecipients: Record<string, string[]>,
): PlannedMail[] {
  const plan: PlannedMail[] = [];
  if (reports.length > 0) {
    for (const recipient of addresses(defaultRecipients)) plan.push({ scope: 'national', recipient });
  }
  for (const report of [...reports].sort((a, b) => compareGroups(a.group, b.group))) {
    const slug = groupSlug(report.group);
    // Own keys only: a unit id such as `constructor` must not find Object.prototype's.
    const own = Object.hasOwn(groupRecipients, slug) ? groupRecipients[slug] : undefined;
    for (const recipient of addresses(own)) plan.push({ scope: 'unit', recipient, report });
  }
  return plan;
}

/** Each mail's outbox key: one mail per month, scope and recipient, ever. */
export function monthlyMailKey(month: YearMonth, mail: PlannedMail): string {
  const scope = mail.scope === 'national' ? 'national' : groupSlug(mail.report.group);
  return `monthly-report:${formatYearMonth(month)}:${scope}:${mail.recipient.toLowerCase()}`;
}

export interface MonthlyReportRun {
  from: YearMonth;
  to: YearMonth;
  mail: boolean;
}

const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * What a run of the `monthly-report` job does, from its parameters:
 * - none (the cron): the previous Paris month, mailed;
 * - `month: 'YYYY-MM'`: that month, mailed only with `mail: true`;
 * - `full: true`: every month from the first report month to the previous month, mailed only with `mail: true`.
 */
export function planMonthlyReportRun(
  params: Record<string, unknown>,
  now: Date,
  firstMonth: YearMonth,
): MonthlyReportRun {
  const previousMonth = shiftMonth(parisMonth(now), -1);
  const { month, full, mail } = params;
  if (month !== undefined && month !== null) {
    const m = typeof month === 'string' ? YEAR_MONTH.exec(month) : null;
    if (!m) throw new Error(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
    if (full === true) throw new Error('Give either a month or a full rebuild, not both');
    const only = { year: Number(m[1]), month: Number(m[2]) };
    return { from: only, to: only, mail: mail === true };
  }
  if (full === true) return { from: firstMonth, to: previousMonth, mail: mail === true };
  return { from: previousMonth, to: previousMonth, mail: mail !== false };
}
