import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { formatYearMonth, monthsBetween, YearMonth } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { GroupType } from '../dossier-source/dossier';
import { JobContext } from '../jobs/job-handler';
import { OnJob } from '../jobs/job.decorator';
import { EnqueueEntry, OutboxService } from '../mail/outbox.service';
import { MailAttachmentRef, ResolvedAttachment } from '../mail/outgoing-mail';
import { trendChartPng } from './monthly-report.chart';
import { buildNationalReportMail, buildUnitReportMail, CHART_CID, ReportMailContent } from './monthly-report.mail';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import { monthlyMailKey, PlannedMail, planMonthlyMails, planMonthlyReportRun } from './monthly-report.rules';
import { MonthlyReportService } from './monthly-report.service';
import { compareGroups, groupDisplayLabel, nationalFigures, unitFigures } from './monthly-report.view';
import { chartTitle, XLSX_CONTENT_TYPE } from './monthly-report.workbook';

export const MONTHLY_REPORT_MAIL_KIND = 'monthly-report';
export const WORKBOOK_RESOLVER = 'monthly-report-workbook';
export const NATIONAL_WORKBOOK_RESOLVER = 'monthly-report-national-workbook';
export const CHART_RESOLVER = 'monthly-report-chart';

interface ReportParams {
  year: number;
  month: number;
  /** Absent for the national workbook and chart. */
  group: GroupKey | null;
}

function ref(resolver: string, month: YearMonth, group: GroupKey | null, extra: Record<string, unknown> = {}) {
  const params: Record<string, unknown> = { year: month.year, month: month.month, ...extra };
  if (group) Object.assign(params, { id: group.id, type: group.type });
  return { resolver, params } satisfies MailAttachmentRef;
}

function toReportParams(resolver: string, params: Record<string, unknown>): ReportParams {
  const { year, month, id, type } = params;
  if (typeof year !== 'number' || typeof month !== 'number' || (id !== undefined && typeof id !== 'string')) {
    throw new Error(`Bad ${resolver} attachment parameters`);
  }
  const group =
    typeof id === 'string'
      ? { id, type: (type === 'introduction' ? 'introduction' : 'autorisation') as GroupType }
      : null;
  return { year, month, group };
}

export interface MailingOutcome {
  /** Mails newly queued (a mail already queued for the month, scope and recipient is not queued again). */
  queued: number;
  sent: number;
  /** Mails whose first attempt failed: the mail-outbox job retries them. */
  retried: number;
}

/**
 * Mails each month's reports: each unit's recipients get that unit's mail and workbook; the default recipients get
 * the national summary with the national workbook and every unit's. Every mail carries its 12-month chart inline.
 * Queued in the outbox under `monthly-report:{YYYY-MM}:{national|unit}:{recipient}`, so nobody gets one twice.
 */
@Injectable()
export class MonthlyReportMailer implements OnModuleInit {
  private readonly logger = new Logger('MonthlyReportMail');

  constructor(
    private readonly outbox: OutboxService,
    private readonly reports: MonthlyReportRepository,
    private readonly service: MonthlyReportService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The `monthly-report` job: builds the reports, then (from the cron, or with `--mail`) mails them; see
   * `planMonthlyReportRun` for what a run covers. It lives here, above the service, because it ends by mailing.
   */
  @OnJob({ name: 'monthly-report', schedule: 'monthlyReport' })
  async run(ctx: JobContext): Promise<void> {
    const { from, to, mail } = planMonthlyReportRun(ctx.params, ctx.now, this.config.monthlyReport.firstMonth);
    const months = monthsBetween(from, to);
    ctx.setTotal(months.length);
    await this.service.rebuild(from, to, ctx);
    if (!mail) return;
    for (const month of months) {
      const { queued, sent, retried } = await this.mailMonth(month, ctx.now);
      ctx.logger.log(`${formatYearMonth(month)}: ${queued} mail(s) queued, ${sent} sent, ${retried} to retry`);
    }
  }

  onModuleInit(): void {
    // Workbooks and charts are built at send time from the stored reports: the outbox holds references, not files.
    this.outbox.registerAttachmentResolver(WORKBOOK_RESOLVER, (p) =>
      this.unitWorkbook(toReportParams(WORKBOOK_RESOLVER, p)),
    );
    this.outbox.registerAttachmentResolver(NATIONAL_WORKBOOK_RESOLVER, (p) =>
      this.nationalWorkbook(toReportParams(NATIONAL_WORKBOOK_RESOLVER, p)),
    );
    this.outbox.registerAttachmentResolver(CHART_RESOLVER, (p) =>
      this.chart(toReportParams(CHART_RESOLVER, p), typeof p.title === 'string' ? p.title : ''),
    );
  }

  async mailMonth(month: YearMonth, now: Date): Promise<MailingOutcome> {
    const { defaultRecipients, groupRecipients } = this.config.monthlyReport;
    const reports = (await this.reports.listMonth(month)).sort((a, b) => compareGroups(a.group, b.group));
    const plan = planMonthlyMails(reports, defaultRecipients, groupRecipients);
    if (plan.length === 0) {
      this.logger.warn(`${formatYearMonth(month)}: no report or no recipient, nothing to mail`);
      return { queued: 0, sent: 0, retried: 0 };
    }
    // The national summary lists the trend: read once for every national mail.
    const national = plan.some((p) => p.scope === 'national')
      ? buildNationalReportMail(nationalFigures(month, reports, (await this.service.trend(month)).national))
      : null;
    const entries: EnqueueEntry[] = plan.map((planned: PlannedMail) => {
      let content: ReportMailContent;
      let attachments: MailAttachmentRef[];
      if (planned.scope === 'national' && national) {
        content = national;
        attachments = [
          ref(CHART_RESOLVER, month, null, { title: chartTitle('National') }),
          ref(NATIONAL_WORKBOOK_RESOLVER, month, null),
          ...reports.map((r) => ref(WORKBOOK_RESOLVER, month, r.group)),
        ];
      } else if (planned.scope === 'unit') {
        const { report } = planned;
        content = buildUnitReportMail(unitFigures(report));
        attachments = [
          ref(CHART_RESOLVER, month, report.group, { title: chartTitle(groupDisplayLabel(report.group)) }),
          ref(WORKBOOK_RESOLVER, month, report.group),
        ];
      } else {
        throw new Error('unreachable: a national mail without its summary');
      }
      return {
        dedupeKey: monthlyMailKey(month, planned),
        kind: MONTHLY_REPORT_MAIL_KIND,
        mail: { to: [planned.recipient], cc: [], bcc: [], ...content, attachments },
      };
    });
    const { created } = await this.outbox.enqueueMany(entries);
    const { sent, retried } = await this.outbox.deliverDue({ now, kinds: [MONTHLY_REPORT_MAIL_KIND] });
    return { queued: created, sent, retried };
  }

  private async report({ year, month, group }: ReportParams) {
    const report = group ? await this.reports.find({ year, month }, group) : null;
    // Thrown, not skipped: the outbox retries, and a mail never leaves without the workbook it announces.
    if (!report) throw new Error(`No monthly report ${year}-${month} for ${group?.id}/${group?.type} to attach`);
    return report;
  }

  private async unitWorkbook(params: ReportParams): Promise<ResolvedAttachment> {
    const { filename, content } = await this.service.unitWorkbookOf(await this.report(params));
    return { filename, content, contentType: XLSX_CONTENT_TYPE };
  }

  private async nationalWorkbook({ year, month }: ReportParams): Promise<ResolvedAttachment> {
    const { filename, content } = await this.service.nationalWorkbook({ year, month });
    return { filename, content, contentType: XLSX_CONTENT_TYPE };
  }

  private async chart({ year, month, group }: ReportParams, title: string): Promise<ResolvedAttachment> {
    const trend = await this.service.trend({ year, month });
    const points = group ? trend.unit(group) : trend.national;
    return {
      filename: 'evolution-12-mois.png',
      content: trendChartPng(points, title),
      contentType: 'image/png',
      cid: CHART_CID,
    };
  }
}
