import { Injectable } from '@nestjs/common';
import { and, asc, between, eq, sql } from 'drizzle-orm';
import { YearMonth } from '../common/paris-time';
import { Databases } from '../database/database';
import { RejectHandler, writeIsolating } from '../database/isolate-rows';
import { monthlyReport, REPORT_TOTALS_ORDER } from '../database/schema';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import { groupKey, sortCountries } from './monthly-report.rules';
import { CategoryKey, MonthCounts, MonthlyReport } from './monthly-report.types';

// Rows per INSERT: ~40 groups a month, far from the bind-parameter limit, but a month is never split anyway.
const INSERT_BATCH = 200;

/** jsonb gives object keys back sorted by length, not as written: restore "most frequent first". */
function toReport(data: unknown): MonthlyReport {
  const report = data as MonthlyReport;
  for (const stats of Object.values(report.categories)) stats.countries = sortCountries(stats.countries);
  return report;
}

const CATEGORIES: Record<CategoryKey, true> = {
  more3Months: true,
  less3Months: true,
  unknownDuration: true,
  refused: true,
  withoutContinuation: true,
};

/** The report without its dossier links, cut in the database so that they are neither sent nor parsed. */
const WITHOUT_LINKS = (Object.keys(CATEGORIES) as CategoryKey[]).reduce(
  (expr, key) => sql`${expr} #- ${`{categories,${key},dossiers}`}::text[]`,
  sql`${monthlyReport.data}`,
);

const count = (key: CategoryKey) =>
  sql<number>`COALESCE(sum(${monthlyReport.totals}[${sql.raw(String(REPORT_TOTALS_ORDER.indexOf(key) + 1))}]), 0)::int`;

function withoutLinks(report: MonthlyReport): MonthlyReport {
  for (const stats of Object.values(report.categories)) stats.dossiers = [];
  return report;
}

@Injectable()
export class PgMonthlyReportRepository extends MonthlyReportRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async replaceMonth(
    { year, month }: YearMonth,
    reports: MonthlyReport[],
    builtAt: Date,
    reject?: RejectHandler,
  ): Promise<void> {
    const stray = reports.find((r) => r.year !== year || r.month !== month);
    if (stray) throw new Error(`Report of ${stray.year}-${stray.month} stored as ${year}-${month}`);
    await this.databases.main.transaction(async (tx) => {
      await tx.delete(monthlyReport).where(and(eq(monthlyReport.year, year), eq(monthlyReport.month, month)));
      const rows = (part: MonthlyReport[]) =>
        part.map((report) => ({
          year,
          month,
          groupId: report.group.id,
          groupType: report.group.type,
          groupLabel: report.group.label,
          data: report,
          builtAt,
        }));
      for (let i = 0; i < reports.length; i += INSERT_BATCH) {
        const batch = reports.slice(i, i + INSERT_BATCH);
        if (!reject) {
          await tx.insert(monthlyReport).values(rows(batch));
          continue;
        }
        // Each attempt in a savepoint, so that a report the database refuses leaves the month's transaction usable:
        // it is left out and reported, the others are stored (see writeIsolating).
        await writeIsolating(
          batch,
          (part) =>
            tx.transaction(async (savepoint) => void (await savepoint.insert(monthlyReport).values(rows(part)))),
          (report) => groupKey(report.group),
          reject,
        );
      }
    });
  }

  async find({ year, month }: YearMonth, group: GroupKey): Promise<MonthlyReport | null> {
    const [row] = await this.databases.main
      .select({ data: monthlyReport.data })
      .from(monthlyReport)
      .where(
        and(
          eq(monthlyReport.year, year),
          eq(monthlyReport.month, month),
          eq(monthlyReport.groupId, group.id),
          eq(monthlyReport.groupType, group.type),
        ),
      );
    return row ? toReport(row.data) : null;
  }

  async listMonth({ year, month }: YearMonth): Promise<MonthlyReport[]> {
    const rows = await this.databases.main
      .select({ data: monthlyReport.data })
      .from(monthlyReport)
      .where(and(eq(monthlyReport.year, year), eq(monthlyReport.month, month)));
    return rows.map((row) => toReport(row.data));
  }

  /** Served by the unique (year, month, group) index: a range of years, then the group within it. */
  async findGroupMonths(group: GroupKey, from: YearMonth, to: YearMonth): Promise<MonthlyReport[]> {
    const period = sql`${monthlyReport.year} * 12 + ${monthlyReport.month}`;
    const rows = await this.databases.main
      .select({ data: WITHOUT_LINKS })
      .from(monthlyReport)
      .where(
        and(
          between(monthlyReport.year, from.year, to.year),
          sql`${period} BETWEEN ${from.year * 12 + from.month} AND ${to.year * 12 + to.month}`,
          eq(monthlyReport.groupId, group.id),
          eq(monthlyReport.groupType, group.type),
        ),
      )
      .orderBy(asc(monthlyReport.year), asc(monthlyReport.month));
    return rows.map((row) => withoutLinks(toReport(row.data)));
  }

  async yearTotals(year: number): Promise<MonthCounts[]> {
    const rows = await this.databases.main
      .select({
        month: monthlyReport.month,
        more3Months: count('more3Months'),
        less3Months: count('less3Months'),
        unknownDuration: count('unknownDuration'),
        refused: count('refused'),
        withoutContinuation: count('withoutContinuation'),
      })
      .from(monthlyReport)
      .where(eq(monthlyReport.year, year))
      .groupBy(monthlyReport.month)
      .orderBy(asc(monthlyReport.month));
    return rows.map(({ month, ...counts }) => ({ month, counts }));
  }
}
