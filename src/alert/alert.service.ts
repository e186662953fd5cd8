import { PassThrough, Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Dossier } from '../dossier-source/dossier';
import { DossierFields, DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { JobContext } from '../jobs/job-handler';
import { OutboxEntry } from '../mail/outbox.repository';
import { EnqueueEntry, OutboxService } from '../mail/outbox.service';
import { Alert, AlertCursor, AlertFilter, DossierAlerts, StoredAlert } from './alert';
import { isMailedAlertType } from './alert-type';
import { ALERT_MAIL_KIND, alertDedupeKey, buildAlert, buildAlertMailEntry } from './alert.builder';
import { AlertRepository } from './alert.repository';
import { evaluateAlerts } from './alert.rules';
import { writeAlertWorkbook } from './alert.workbook';
import { BusyError, ConcurrencyLimit } from '../common/concurrency-limit';

/** An alert with the mail it caused, if any. */
export interface AlertWithMail {
  alert: StoredAlert;
  mail: OutboxEntry | null;
}

export interface AlertPage {
  items: AlertWithMail[];
  total: number;
}

// Dossiers are the bulky part: read few at a time. Measured on 100,000 dossiers, pages of 100 keep the peak RSS near
// 150 MB where pages of 250 reach 250 MB (more of each page outlives a young-generation GC and piles up in the old
// one), for about the same time. What is written is small: write it in fewer, larger batches, so that 100,000
// dossiers cost a few dozen write round trips.
const SOURCE_BATCH = 100;
const WRITE_BATCH = 2000;
/** The rules read the APT annotations, the messages and the dates, never the public champs. */
const ALERT_FIELDS: DossierFields = { champs: 'none', messages: true };
// Small pages of alerts for the workbook: measured on 100,000 alerts, 100 rows a page is as fast as
// 1,000 and keeps the peak memory ~150 MB lower (less short-lived data survives into the old generation).
const READ_BATCH = 100;
/** The states whose alerts depend on time alone: their dossiers are re-evaluated every run, changed or not. */
const TIME_BASED_STATES = ['initiated', 'received'];

@Injectable()
export class AlertService {
  private readonly logger = new Logger('Alerts');
  private downloads: ConcurrencyLimit | undefined;

  constructor(
    private readonly source: DossierSourceRepository,
    private readonly alerts: AlertRepository,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Re-evaluates the dossiers changed in the window (all of them when `since` is null) and every open dossier, so
   * that a delay alert fires at the first run after the threshold even if the dossier never changed (B2). Each
   * dossier's alerts are replaced by what it raises now: new ones are stored, the others resolved. Mails are queued
   * in the same run, deduplicated for ever by alert type and dossier.
   */
  async sync(ctx: JobContext): Promise<void> {
    const filter = { changedSince: ctx.since, alsoInStates: TIME_BASED_STATES };
    ctx.setTotal(await this.source.count(filter));
    let evaluations: DossierAlerts[] = [];
    let mails: EnqueueEntry[] = [];
    let handled = 0;
    let queued = 0;
    // One write in flight while the next dossiers are read and evaluated.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      const [batch, batchMails, batchHandled] = [evaluations, mails, handled];
      evaluations = [];
      mails = [];
      handled = 0;
      await writing;
      writing = (async () => {
        // Independent writes, both idempotent: a run that fails half-way is redone from the same watermark.
        const [{ changed, resolved }, { created }] = await Promise.all([
          this.alerts.saveEvaluations(batch, ctx.now),
          this.outbox.enqueueMany(batchMails),
        ]);
        queued += created;
        ctx.written(changed + resolved);
        ctx.advance(batchHandled);
      })();
      // Awaited by the next flush or at the end; until then a failure must not surface as an unhandled rejection.
      writing.catch(() => undefined);
    };
    try {
      for await (const batch of this.source.stream(filter, SOURCE_BATCH, ALERT_FIELDS)) {
        for (const { dsKey, reason } of batch.broken) {
          ctx.read();
          ctx.skip(dsKey, reason);
        }
        for (const dossier of batch.dossiers) {
          ctx.read();
          const alerts = this.alertsOf(dossier, ctx.now);
          evaluations.push({ dsKey: dossier.dsKey, alerts });
          for (const alert of alerts) {
            const mail = buildAlertMailEntry(alert, dossier.dossierId, ctx.now, this.config.contactEmail);
            if (mail) mails.push(mail);
          }
        }
        handled += batch.dossiers.length + batch.broken.length;
        if (evaluations.length >= WRITE_BATCH) await flush();
      }
      await flush();
    } finally {
      // Never leave a write running behind a failed run: the next run must not race with it.
      await writing;
    }
    if (queued) ctx.logger.log(`${queued} alert mail(s) queued`);
  }

  private alertsOf(dossier: Dossier, now: Date): Alert[] {
    return evaluateAlerts(dossier, now, this.config.alerts).map((type) =>
      buildAlert(dossier, type, this.config.dsBaseUrl),
    );
  }

  /** Removes the alerts, not the record of the mails sent: a later sync mails nobody twice (S3). */
  deleteAll(): Promise<number> {
    return this.alerts.deleteAll();
  }

  async list(filter: AlertFilter, page: number, pageSize: number): Promise<AlertPage> {
    const [total, alerts] = await Promise.all([
      this.alerts.count(filter),
      this.alerts.findPage(filter, (page - 1) * pageSize, pageSize),
    ]);
    return { total, items: await this.withMails(alerts) };
  }

  /**
   * Every alert matching the filter, a batch at a time, so that memory does not grow with their number. The next
   * batch is read while the caller handles the current one.
   */
  async *stream(filter: AlertFilter): AsyncGenerator<AlertWithMail[]> {
    let next: Promise<AlertWithMail[]> | null = this.readBatch(filter, null);
    try {
      while (next) {
        const batch: AlertWithMail[] = await next;
        const last = batch.at(-1)?.alert;
        next =
          last && batch.length === READ_BATCH
            ? this.readBatch(filter, { dsKey: last.dsKey, alertType: last.alertType })
            : null;
        // Awaited at the next turn; a caller that stops early must not leave it as an unhandled rejection.
        next?.catch(() => undefined);
        if (batch.length > 0) yield batch;
      }
    } finally {
      next?.catch(() => undefined);
    }
  }

  private async readBatch(filter: AlertFilter, after: AlertCursor | null): Promise<AlertWithMail[]> {
    return this.withMails(await this.alerts.findAfter(filter, after, READ_BATCH));
  }

  /**
   * The alert workbook, written while it is read. Each download holds a slot until its stream ends: measured with 8
   * parallel downloads of 30,000 alerts, the server's peak RSS went from 175 to 316 MB without a limit, so beyond
   * DOWNLOAD_CONCURRENCY the request is refused with 503 and Retry-After rather than queued in memory.
   */
  workbook(filter: AlertFilter): Readable {
    this.downloads ??= new ConcurrencyLimit(this.config.downloadConcurrency);
    const release = this.downloads.tryAcquire();
    if (!release) {
      throw new BusyError('Trop de téléchargements en cours : merci de réessayer dans quelques secondes.', 10);
    }
    const body = new PassThrough();
    body.once('close', release);
    writeAlertWorkbook(this.stream(filter), body, this.clock.now()).catch((error: unknown) => {
      // The headers are gone already: all that is left is to cut the download short, so it cannot pass for whole.
      this.logger.error(`alert workbook: ${error instanceof Error ? error.message : String(error)}`);
      body.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    return body;
  }

  private async withMails(alerts: StoredAlert[]): Promise<AlertWithMail[]> {
    const keys = alerts.filter((a) => isMailedAlertType(a.alertType)).map((a) => alertDedupeKey(a.dsKey, a.alertType));
    const mails = await this.outbox.findByDedupeKeys(keys);
    return alerts.map((alert) => ({ alert, mail: mails.get(alertDedupeKey(alert.dsKey, alert.alertType)) ?? null }));
  }

  /**
   * First attempt of the queued alert mails. A mail whose decision has become too old since it was queued is
   * blocked instead, at send time (its `notAfter`), and so are retries run by the `mail-outbox` job.
   */
  deliverMails(ctx: JobContext): Promise<{ sent: number; blocked: number; retried: number; failed: number }> {
    let done = 0;
    return this.outbox.deliverDue({
      now: ctx.now,
      kinds: [ALERT_MAIL_KIND],
      onProgress: ({ sent, blocked, retried, failed }) => {
        const total = sent + blocked + retried + failed;
        ctx.advance(total - done);
        done = total;
      },
    });
  }
}
