import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { formatYearMonth, YearMonth } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { GroupType } from '../dossier-source/dossier';
import { EnqueueEntry, OutboxService } from '../mail/outbox.service';
import { MailAttachmentRef, ResolvedAttachment } from '../mail/outgoing-mail';
import { buildMonthlyReportMail } from './monthly-report.mail';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import { planRecipients } from './monthly-report.rules';
import { monthlyReportFileName, monthlyReportToBuffer, XLSX_CONTENT_TYPE } from './monthly-report.workbook';

export const MONTHLY_REPORT_MAIL_KIND = 'monthly-report';
export const WORKBOOK_RESOLVER = 'monthly-report-workbook';

interface WorkbookParams extends GroupKey {
  year: number;
  month: number;
}

function workbookRef(params: WorkbookParams): MailAttachmentRef {
  return { resolver: WORKBOOK_RESOLVER, params: { ...params } };
}

function toWorkbookParams(params: Record<string, unknown>): WorkbookParams {
  const { year, month, id, type } = params;
  if (typeof year !== 'number' || typeof month !== 'number' || typeof id !== 'string') {
    throw new Error(`Bad ${WORKBOOK_RESOLVER} attachment parameters: ${JSON.stringify(params)}`);
  }
  return { year, month, id, type: (type === 'introduction' ? 'introduction' : 'autorisation') as GroupType };
}

export interface MailingOutcome {
  /** Mails newly queued (a recipient already mailed for the month is not queued again). */
  queued: number;
  sent: number;
  /** Mails whose first attempt failed: the mail-outbox job retries them. */
  retried: number;
}

/**
 * Mails each month's dashboards: one mail per recipient and month with all of that recipient's workbooks attached,
 * queued in the outbox under `monthly-report:{YYYY-MM}:{recipient}`, so that nobody ever gets a month twice.
 */
@Injectable()
export class MonthlyReportMailer implements OnModuleInit {
  private readonly logger = new Logger('MonthlyReportMail');

  constructor(
    private readonly outbox: OutboxService,
    private readonly reports: MonthlyReportRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // Workbooks are built at send time from the stored report, so the outbox holds a reference, not the file.
    this.outbox.registerAttachmentResolver(WORKBOOK_RESOLVER, (params) => this.workbook(toWorkbookParams(params)));
  }

  async mailMonth(month: YearMonth, now: Date): Promise<MailingOutcome> {
    const { defaultRecipients, groupRecipients } = this.config.monthlyReport;
    const plan = planRecipients(await this.reports.listMonth(month), defaultRecipients, groupRecipients);
    if (plan.length === 0) {
      this.logger.warn(`${formatYearMonth(month)}: no report or no recipient, nothing to mail`);
      return { queued: 0, sent: 0, retried: 0 };
    }
    const entries: EnqueueEntry[] = plan.map(({ recipient, reports }) => {
      const mail = buildMonthlyReportMail({ reports });
      return {
        dedupeKey: `${MONTHLY_REPORT_MAIL_KIND}:${formatYearMonth(month)}:${recipient.toLowerCase()}`,
        kind: MONTHLY_REPORT_MAIL_KIND,
        mail: {
          to: [recipient],
          cc: [],
          bcc: [],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          attachments: mail.attachments.map(({ report }) =>
            workbookRef({ year: report.year, month: report.month, id: report.group.id, type: report.group.type }),
          ),
        },
      };
    });
    const { created } = await this.outbox.enqueueMany(entries);
    const { sent, retried } = await this.outbox.deliverDue({ now, kinds: [MONTHLY_REPORT_MAIL_KIND] });
    return { queued: created, sent, retried };
  }

  private async workbook({ year, month, id, type }: WorkbookParams): Promise<ResolvedAttachment> {
    const report = await this.reports.find({ year, month }, { id, type });
    // Thrown, not skipped: the outbox retries, and a mail never leaves without the workbook it announces.
    if (!report) throw new Error(`No monthly report ${year}-${month} for ${id}/${type} to attach`);
    return {
      filename: monthlyReportFileName(report),
      content: await monthlyReportToBuffer(report, this.clock.now()),
      contentType: XLSX_CONTENT_TYPE,
    };
  }
}
