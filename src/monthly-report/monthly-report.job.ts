import { Injectable } from '@nestjs/common';
import { formatYearMonth, monthsBetween } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { Job } from '../jobs/job.decorator';
import { MonthlyReportMailer } from './monthly-report.mailer';
import { planMonthlyReportRun } from './monthly-report.rules';
import { MonthlyReportService } from './monthly-report.service';

/** Builds (and, from the cron, mails) the monthly reports; see `planMonthlyReportRun` for what a run covers. */
@Job()
@Injectable()
export class MonthlyReportJob implements JobHandler {
  readonly name = 'monthly-report';
  readonly incremental = false;

  constructor(
    private readonly service: MonthlyReportService,
    private readonly mailer: MonthlyReportMailer,
    private readonly config: AppConfig,
  ) {}

  async run(ctx: JobContext): Promise<void> {
    const { from, to, mail } = planMonthlyReportRun(ctx.params, ctx.now, this.config.monthlyReport.firstMonth);
    const months = monthsBetween(from, to);
    ctx.setTotal(months.length);
    await this.service.rebuild(from, to, ctx);
    if (!mail) return;
    for (const month of months) {
      const { queued, sent, retried } = await this.mailer.mailMonth(month, ctx.now);
      ctx.logger.log(`${formatYearMonth(month)}: ${queued} mail(s) queued, ${sent} sent, ${retried} to retry`);
    }
  }
}
