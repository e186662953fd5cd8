import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock';
import { formatYearMonth, monthIndex, shiftMonth, YearMonth } from '../common/paris-time';
import { DossierGroup } from '../dossier-source/dossier';
import { AppConfig } from '../config/app-config';
import { DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { DossierStatisticsRepository } from './dossier-statistics.repository';
import { JobContext } from '../jobs/job-handler';
import { frenchMonthYear } from './french-months';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';

export type { GroupKey };
import {
  assembleMonthlyReports,
  countsByGroup,
  GroupCounts,
  groupKey,
  groupSlug,
  unstorableReport,
} from './monthly-report.rules';
import { MonthCounts, MonthFigures, MonthlyReport } from './monthly-report.types';
import {
  addCounts,
  compareGroups,
  Counts,
  NationalFigures,
  nationalFigures,
  reportCounts,
  sumCounts,
  TrendPoint,
  trendMonths,
  trendPoints,
  zeroCounts,
} from './monthly-report.view';
import { monthlyReportFileName, monthlyReportToBuffer, workbookToBuffer } from './monthly-report.workbook';
import { buildNationalWorkbook, nationalReportFileName } from './national-report.workbook';

export interface WorkbookFile {
  filename: string;
  content: Buffer;
}

/** The last months' counts, per unit and national, for the charts and the national summary. */
export interface Trend {
  national: TrendPoint[];
  unit(group: GroupKey): TrendPoint[];
}

// A month's mails attach up to a hundred workbooks, each with its unit's chart: the months behind them are read once.
const TREND_CACHE_MS = 10 * 60_000;

@Injectable()
export class MonthlyReportService {
  constructor(
    private readonly statistics: DossierStatisticsRepository,
    private readonly source: DossierSourceRepository,
    private readonly reports: MonthlyReportRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private readonly trends = new Map<string, { at: number; trend: Promise<Trend> }>();

  /**
   * Rebuilds every group's report for each month from `from` to `to`, one month per transaction, from a handful of
   * scans of the dossiers whatever the number of months and groups. The month before `from` is aggregated too, for
   * the change against last month: so a single month and a full rebuild give the same reports, whatever was stored
   * before. The first report month has no previous one.
   */
  async rebuild(from: YearMonth, to: YearMonth, ctx: JobContext): Promise<void> {
    this.trends.clear();
    const configuredGroups = await this.source.listGroups();
    const lookBehind = monthIndex(from) > monthIndex(this.config.monthlyReport.firstMonth);
    let previous: GroupCounts | null = null;
    for await (const decisions of this.statistics.decisionsByMonth(lookBehind ? shiftMonth(from, -1) : from, to)) {
      const reports = assembleMonthlyReports({ decisions, configuredGroups, previous });
      previous = countsByGroup(reports);
      if (monthIndex(decisions.month) < monthIndex(from)) continue;
      // A group whose id or label is longer than its column is skipped alone, with the database's refusals.
      const storable = reports.filter((report) => {
        const reason = unstorableReport(report);
        if (reason) ctx.skip(groupKey(report.group), reason);
        return reason === null;
      });
      let rejected = reports.length - storable.length;
      await this.reports.replaceMonth(decisions.month, storable, ctx.now, (key, reason) => {
        rejected += 1;
        ctx.skip(key, reason);
      });
      if (decisions.ungrouped > 0) {
        ctx.logger.warn(
          `${formatYearMonth(decisions.month)}: ${decisions.ungrouped} decided dossier(s) without a group`,
        );
      }
      ctx.read(reports.reduce((n, report) => n + sumCounts(reportCounts(report)), decisions.ungrouped));
      ctx.written(reports.length - rejected);
      ctx.advance(1);
      await ctx.betweenBatches();
    }
  }

  /** Every group's report of the month, in group order. */
  async listMonth(month: YearMonth): Promise<MonthlyReport[]> {
    const reports = await this.reports.listMonth(month);
    if (reports.length === 0) throw new NotFoundException(`Aucun rapport mensuel pour ${this.period(month)}.`);
    return reports.sort((a, b) => compareGroups(a.group, b.group));
  }

  async unitWorkbook(month: YearMonth, group: GroupKey): Promise<WorkbookFile> {
    const report = await this.reports.find(month, group);
    if (!report) {
      throw new NotFoundException(`Aucun rapport mensuel pour l'unité ${groupSlug(group)} en ${this.period(month)}.`);
    }
    return this.unitWorkbookOf(report);
  }

  /** The workbook of a report already read, with its unit's chart. */
  async unitWorkbookOf(report: MonthlyReport): Promise<WorkbookFile> {
    const trend = (await this.trend(report)).unit(report.group);
    return {
      filename: monthlyReportFileName(report),
      content: await monthlyReportToBuffer({ report, trend, generatedAt: this.clock.now() }),
    };
  }

  /**
   * The TREND_MONTHS months ending with `month`. A month never built is unknown (null), a unit without a report in a
   * built month is zero.
   */
  trend(month: YearMonth): Promise<Trend> {
    const key = formatYearMonth(month);
    const now = this.clock.now().getTime();
    const cached = this.trends.get(key);
    if (cached && now - cached.at < TREND_CACHE_MS) return cached.trend;
    const trend = this.readTrend(month);
    this.trends.set(key, { at: now, trend });
    trend.catch(() => this.trends.delete(key));
    return trend;
  }

  private async readTrend(last: YearMonth): Promise<Trend> {
    const months = trendMonths(last);
    const byMonth = new Map<string, Map<string, Counts>>();
    for (const m of months) {
      const reports = await this.reports.listMonth(m);
      if (reports.length > 0) byMonth.set(formatYearMonth(m), countsByGroup(reports));
    }
    return {
      national: trendPoints(months, (m) => {
        const units = byMonth.get(formatYearMonth(m));
        if (!units) return null;
        const total = zeroCounts();
        for (const counts of units.values()) addCounts(total, counts);
        return total;
      }),
      unit: (group) =>
        trendPoints(months, (m) => {
          const units = byMonth.get(formatYearMonth(m));
          return units ? (units.get(groupKey(group)) ?? zeroCounts()) : null;
        }),
    };
  }

  /** The national figures of the month, with the last 12 months: what the national mail shows. */
  async nationalSummary(month: YearMonth): Promise<NationalFigures> {
    const reports = await this.listMonth(month);
    return nationalFigures(month, reports, (await this.trend(month)).national);
  }

  /** One line per group for the month, and the national month-by-month totals of its year up to that month. */
  async nationalWorkbook(month: YearMonth): Promise<WorkbookFile> {
    const reports = await this.listMonth(month);
    const yearTotals = (await this.reports.yearTotals(month.year)).filter((m) => m.month <= month.month);
    const { national: trend } = await this.trend(month);
    const workbook = buildNationalWorkbook({ ...month, reports, yearTotals, trend, generatedAt: this.clock.now() });
    return { filename: nationalReportFileName(month.year, month.month), content: await workbookToBuffer(workbook) };
  }

  /** The units that get a report every month (configured groups), in report order. */
  async units(): Promise<DossierGroup[]> {
    return (await this.source.listGroups()).sort(compareGroups);
  }

  /** One unit's figures over a period, month order, from the stored reports: the dashboard's history. */
  groupFigures(group: GroupKey, from: YearMonth, to: YearMonth): Promise<MonthFigures[]> {
    return this.reports.findGroupFigures(group, from, to);
  }

  /** Dossiers decided in the month per nationality, every category, of one unit or of all (`null`). */
  countriesOfMonth(month: YearMonth, group: GroupKey | null): Promise<Map<string, number>> {
    return this.reports.countriesOfMonth(month, group);
  }

  /** National counts per built month over a period, month order, summed from the stored reports. */
  async nationalHistory(from: YearMonth, to: YearMonth): Promise<Array<MonthCounts & { year: number }>> {
    const years = Array.from({ length: to.year - from.year + 1 }, (_, i) => from.year + i);
    // One query per year, at once: PostgreSQL runs them on both cores.
    const perYear = await Promise.all(years.map((year) => this.reports.yearTotals(year)));
    const out: Array<MonthCounts & { year: number }> = [];
    perYear.forEach((totals, i) => {
      for (const month of totals) {
        const index = monthIndex({ year: years[i], month: month.month });
        if (index >= monthIndex(from) && index <= monthIndex(to)) out.push({ year: years[i], ...month });
      }
    });
    return out;
  }

  private period({ year, month }: YearMonth): string {
    return frenchMonthYear(year, month);
  }
}
