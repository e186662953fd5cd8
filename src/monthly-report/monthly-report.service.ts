import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock';
import { formatYearMonth, monthIndex, monthsBetween, shiftMonth, YearMonth } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { DossierStatisticsRepository } from './dossier-statistics.repository';
import { JobContext } from '../jobs/job-handler';
import { OnJob } from '../jobs/job.decorator';
import { frenchMonthYear } from './french-months';
import { MonthlyReportMailer } from './monthly-report.mailer';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import {
  assembleMonthlyReports,
  countsByGroup,
  GroupCounts,
  groupKey,
  groupSlug,
  planMonthlyReportRun,
  unstorableReport,
} from './monthly-report.rules';
import { MonthlyReport } from './monthly-report.types';
import {
  compareGroups,
  monthlyReportFileName,
  monthlyReportToBuffer,
  reportCounts,
  sumCounts,
  workbookToBuffer,
} from './monthly-report.workbook';
import { buildNationalWorkbook, nationalReportFileName } from './national-report.workbook';

export interface WorkbookFile {
  filename: string;
  content: Buffer;
}

@Injectable()
export class MonthlyReportService {
  constructor(
    private readonly statistics: DossierStatisticsRepository,
    private readonly source: DossierSourceRepository,
    private readonly reports: MonthlyReportRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly mailer: MonthlyReportMailer,
  ) {}

  /** Builds (and, from the cron, mails) the monthly reports; see `planMonthlyReportRun` for what a run covers. */
  @OnJob({ name: 'monthly-report', schedule: 'monthlyReport' })
  async run(ctx: JobContext): Promise<void> {
    const { from, to, mail } = planMonthlyReportRun(ctx.params, ctx.now, this.config.monthlyReport.firstMonth);
    const months = monthsBetween(from, to);
    ctx.setTotal(months.length);
    await this.rebuild(from, to, ctx);
    if (!mail) return;
    for (const month of months) {
      const { queued, sent, retried } = await this.mailer.mailMonth(month, ctx.now);
      ctx.logger.log(`${formatYearMonth(month)}: ${queued} mail(s) queued, ${sent} sent, ${retried} to retry`);
    }
  }

  /**
   * Rebuilds every group's report for each month from `from` to `to`, one month per transaction, from a handful of
   * scans of the dossiers whatever the number of months and groups. The month before `from` is aggregated too, for
   * the change against last month: so a single month and a full rebuild give the same reports, whatever was stored
   * before. The first report month has no previous one.
   */
  async rebuild(from: YearMonth, to: YearMonth, ctx: JobContext): Promise<void> {
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
    return { filename: monthlyReportFileName(report), content: await monthlyReportToBuffer(report, this.clock.now()) };
  }

  /** One line per group for the month, and the national month-by-month totals of its year up to that month. */
  async nationalWorkbook(month: YearMonth): Promise<WorkbookFile> {
    const reports = await this.listMonth(month);
    const yearTotals = (await this.reports.yearTotals(month.year)).filter((m) => m.month <= month.month);
    const workbook = buildNationalWorkbook({ ...month, reports, yearTotals, generatedAt: this.clock.now() });
    return { filename: nationalReportFileName(month.year, month.month), content: await workbookToBuffer(workbook) };
  }

  private period({ year, month }: YearMonth): string {
    return frenchMonthYear(year, month);
  }
}
