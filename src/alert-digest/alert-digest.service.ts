import { Injectable } from '@nestjs/common';
import { AlertRepository } from '../alert/alert.repository';
import { AlertCursor } from '../alert/alert';
import { AppConfig } from '../config/app-config';
import { JobContext } from '../jobs/job-handler';
import { EnqueueEntry, OutboxService } from '../mail/outbox.service';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { ALERT_WORKBOOK_RESOLVER } from '../alert/alert.workbook';
import { buildAlertDigestMail } from './alert-digest.mail';
import { DigestTally, DigestWindow } from './alert-digest.rules';

export const ALERT_DIGEST_JOB = 'alert-digest';
export const ALERT_DIGEST_MAIL_KIND = 'alert-digest';
const PAGE_SIZE = 1000;
const DAY_MS = 86_400_000;

/**
 * The daily digest of alerts opened and resolved, each with its dossier link, by unit, with the alert workbook
 * attached; to ALERT_DIGEST_RECIPIENTS or else the contact address.
 */
@Injectable()
export class AlertDigestService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly history: SynchroHistoryRepository,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Covers what happened since the start of the last successful run (the last 24 hours the first time), so that
   * windows follow one another without gap or overlap, and a failed run leaves its window to the next one.
   */
  async send(ctx: JobContext): Promise<void> {
    const last = await this.history.get(ALERT_DIGEST_JOB);
    const window: DigestWindow = { since: last ?? new Date(ctx.now.getTime() - DAY_MS), until: ctx.now };
    const tally = new DigestTally(window);
    // Alerts are few (one per dossier and type at most) and read page by page, so the window is applied here
    // rather than asking the storage for a query it does not have.
    let after: AlertCursor | null = null;
    for (;;) {
      const page = await this.alerts.findAfter({}, after, PAGE_SIZE);
      for (const alert of page) tally.add(alert);
      ctx.read(page.length);
      if (page.length < PAGE_SIZE) break;
      after = { dsKey: page[page.length - 1].dsKey, alertType: page[page.length - 1].alertType };
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
