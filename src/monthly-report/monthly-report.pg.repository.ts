import { Injectable } from '@nestjs/common';
import { and, asc, between, eq, sql } from 'drizzle-orm';
import { YearMonth } from '../common/paris-time';
import { Databases, queryRows } from '../database/database';
import { RejectHandler, writeIsolating } from '../database/isolate-rows';
import { monthlyReport, REPORT_TOTALS_ORDER } from '../database/schema';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import { groupKey, sortCountries } from './monthly-report.rules';
import { CategoryKey, MonthCounts, MonthFigures, MonthlyReport } from './monthly-report.types';

// Rows per INSERT: ~40 groups a month, far from the bind-parameter limit, but a month is never split anyway.
const INSERT_BATCH = 200;

/** jsonb gives object keys back sorted by length, not as written: restore "most frequent first". */
function toReport(data: unknown): MonthlyReport {
  const report = data as MonthlyReport;
  for (const stats of Object.values(report.categories)) stats.countries = sortCountries(stats.countries);
  return report;
}

const count = (key: CategoryKey) =>
  sql<number>`COALESCE(sum(${monthlyReport.totals}[${sql.raw(String(REPORT_TOTALS_ORDER.indexOf(key) + 1))}]), 0)::int`;

/** The "APT + 3 mois" processing time `key` (median or p90) of a stored report, read in the database. */
const more3MonthsDays = (key: 'median' | 'p90') =>
  sql<number | null>`(${monthlyReport.data} #>> ${`{categories,more3Months,processingDays,${key}}`}::text[])::float8`;

const countsOf = (totals: number[] | null): Record<CategoryKey, number> =>
  Object.fromEntries(REPORT_TOTALS_ORDER.map((key, i) => [key, totals?.[i] ?? 0])) as Record<CategoryKey, number>;

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

  /**
   * Served by the unique (year, month, group) index: a range of years, then the group within it. The counts come from
   * the generated `totals` column and the processing times from two paths into the report, so no report is parsed:
   * reading the 24 reports whole (nationalities and refused dossiers included) made a unit's dashboard miss 100 ms.
   */
  async findGroupFigures(group: GroupKey, from: YearMonth, to: YearMonth): Promise<MonthFigures[]> {
    const period = sql`${monthlyReport.year} * 12 + ${monthlyReport.month}`;
    const rows = await this.databases.main
      .select({
        year: monthlyReport.year,
        month: monthlyReport.month,
        totals: monthlyReport.totals,
        median: more3MonthsDays('median'),
        p90: more3MonthsDays('p90'),
      })
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
    return rows.map(({ year, month, totals, median, p90 }) => ({
      year,
      month,
      counts: countsOf(totals),
      processingDays: { median, p90 },
    }));
  }

  /** Summed in the database: one row per nationality leaves it, not the reports. */
  async countriesOfMonth({ year, month }: YearMonth, group: GroupKey | null): Promise<Map<string, number>> {
    const rows = await queryRows<{ country: string; n: number }>(
      this.databases.main,
      sql`SELECT c.key AS country, sum(c.value::int)::int AS n
            FROM ${monthlyReport} r,
                 jsonb_each(r.data -> 'categories') AS category,
                 jsonb_each_text(category.value -> 'countries') AS c
           WHERE r.year = ${year} AND r.month = ${month}
             ${group ? sql`AND r.group_id = ${group.id} AND r.group_type = ${group.type}` : sql``}
           GROUP BY c.key`,
    );
    return new Map(rows.map((row) => [row.country, row.n]));
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
