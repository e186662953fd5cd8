import { Injectable } from '@nestjs/common';
import { AlertService } from '../alert/alert.service';
import { AppConfig } from '../config/app-config';
import { JobContext } from '../jobs/job-handler';
import { OnJob } from '../jobs/job.decorator';
import { EnqueueEntry, OutboxService } from '../mail/outbox.service';
import { JobName } from '../jobs/job-run';
import { SynchroHistoryService } from '../synchro-history/synchro-history.service';
import { ALERT_WORKBOOK_RESOLVER } from '../alert/alert.workbook';
import { buildAlertDigestMail } from './alert-digest.mail';
import { DigestTally, DigestWindow } from './alert-digest.rules';

export const ALERT_DIGEST_JOB = 'alert-digest' satisfies JobName;
export const ALERT_DIGEST_MAIL_KIND = 'alert-digest';
const DAY_MS = 86_400_000;

/**
 * The daily digest of alerts opened and resolved, each with its dossier link, by unit, with the alert workbook
 * attached; to ALERT_DIGEST_RECIPIENTS or else the contact address.
 */
@Injectable()
export class AlertDigestService {
  constructor(
    private readonly alerts: AlertService,
    private readonly history: SynchroHistoryService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Covers what happened since the start of the last successful run (the last 24 hours the first time), so that
   * windows follow one another without gap or overlap, and a failed run leaves its window to the next one.
   */
  // Not incremental: the window comes from the job's own watermark, without the overlap incremental jobs get.
  @OnJob({ name: ALERT_DIGEST_JOB, schedule: 'alertDigest' })
  async send(ctx: JobContext): Promise<void> {
    const last = await this.history.lastSuccessfulStart(ALERT_DIGEST_JOB);
    const window: DigestWindow = { since: last ?? new Date(ctx.now.getTime() - DAY_MS), until: ctx.now };
    const tally = new DigestTally(window);
    for await (const page of this.alerts.alertsForDigest()) {
      for (const alert of page) tally.add(alert);
      ctx.read(page.length);
      await ctx.betweenBatches();
    }
    const lines = tally.result();
    if (lines.length === 0) {
      ctx.logger.log('no alert opened or resolved in the window: no digest');
      return;
    }
    const recipients = this.config.alertDigestRecipients.length
      ? this.config.alertDigestRecipients
      : [this.config.contactEmail];
    const mail = buildAlertDigestMail(tally.units(), window);
    const entries: EnqueueEntry[] = recipients.map((recipient) => ({
      // One digest per window and recipient, whatever reruns a window gets.
      dedupeKey: `${ALERT_DIGEST_MAIL_KIND}:${window.since.toISOString()}:${recipient.toLowerCase()}`,
      kind: ALERT_DIGEST_MAIL_KIND,
      mail: {
        to: [recipient],
        cc: [],
        bcc: [],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: [{ resolver: ALERT_WORKBOOK_RESOLVER, params: {} }],
      },
    }));
    const { created } = await this.outbox.enqueueMany(entries);
    const { sent, retried } = await this.outbox.deliverDue({ now: ctx.now, kinds: [ALERT_DIGEST_MAIL_KIND] });
    ctx.written(created);
    ctx.logger.log(`digest of ${lines.length} line(s): ${created} mail(s) queued, ${sent} sent, ${retried} to retry`);
  }
}
