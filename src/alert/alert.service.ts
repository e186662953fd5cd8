import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Dossier } from '../dossier-source/dossier';
import { DossierFields, DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { readAhead } from '../common/read-ahead';
import { SerialWriter } from '../common/serial-writer';
import { JobContext } from '../jobs/job-handler';
import { OnJob } from '../jobs/job.decorator';
import { EnqueueEntry, OutboxEntry, OutboxService } from '../mail/outbox.service';
import { Alert, AlertCursor, AlertFilter, DossierAlerts, StoredAlert } from './alert';
import { ALERT_TYPES, AlertType, isMailedAlertType } from './alert-type';
import { ALERT_MAIL_KIND, alertDedupeKey, buildAlert, buildAlertMailEntry } from './alert.builder';
import { AlertRepository } from './alert.repository';
import { evaluateAlerts } from './alert.rules';
import { unstorableAlert } from './alert.row';
import {
  ALERT_WORKBOOK_FILENAME,
  ALERT_WORKBOOK_RESOLVER,
  writeAlertWorkbook,
  XLSX_CONTENT_TYPE,
} from './alert.workbook';
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
/** The digest reads bare alerts (no mail lookup): larger pages, fewer round trips. */
const DIGEST_PAGE_SIZE = 1000;
/** The states whose alerts depend on time alone: their dossiers are re-evaluated every run, changed or not. */
const TIME_BASED_STATES = ['initiated', 'received'];

async function* nonEmpty<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T[]> {
  for await (const page of pages) {
    if (page.length > 0) yield page;
  }
}

@Injectable()
export class AlertService implements OnModuleInit {
  private readonly logger = new Logger('Alerts');
  private downloads: ConcurrencyLimit | undefined;

  constructor(
    private readonly source: DossierSourceRepository,
    private readonly alerts: AlertRepository,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // A mail's workbook waits for a download slot rather than failing the delivery: the same memory bound.
    this.outbox.registerAttachmentResolver(ALERT_WORKBOOK_RESOLVER, async () => ({
      filename: ALERT_WORKBOOK_FILENAME,
      content: await buffer(this.build({}, await this.downloadSlots().acquire())),
      contentType: XLSX_CONTENT_TYPE,
    }));
  }

  /**
   * Re-evaluates the dossiers changed in the window (all of them when `since` is null) and every open dossier, so
   * that a delay alert fires at the first run after the threshold even if the dossier never changed (decision
   * delay-alerts-fire-after-max-days). Each dossier's alerts are replaced by what it raises now: new ones are stored,
   * the others resolved. Mails are queued in the same run, deduplicated for ever by alert type and dossier.
   */
  @OnJob({ name: 'alert', incremental: true, schedule: 'alert' })
  async sync(ctx: JobContext): Promise<void> {
    const filter = { changedSince: ctx.since, alsoInStates: TIME_BASED_STATES };
    ctx.setTotal(await this.source.count(filter));
    let evaluations: DossierAlerts[] = [];
    let mails: EnqueueEntry[] = [];
    // The dossier of each queued mail, so that a mail the database refuses is reported by its dossier.
    let mailDossiers = new Map<string, string>();
    let handled = 0;
    let queued = 0;
    // One write in flight while the next dossiers are read and evaluated.
    const writer = new SerialWriter();
    const flush = () => {
      const [batch, batchMails, batchDossiers, batchHandled] = [evaluations, mails, mailDossiers, handled];
      [evaluations, mails, mailDossiers, handled] = [[], [], new Map(), 0];
      return writer.write(async () => {
        // A dossier whose alert or mail the database refuses is skipped (once), and the rest of the batch written.
        const rejected = new Set<string>();
        const reject = (dsKey: string, reason: string) => {
          if (rejected.has(dsKey)) return;
          rejected.add(dsKey);
          ctx.skip(dsKey, reason);
        };
        // The alerts first, then only the mails of the dossiers whose alerts were written: a mail is never queued
        // for an alert the store refused. Both writes are idempotent, and every run queues again the mails of the
        // alerts it raises (deduplicated for ever), so a run that fails between the two is completed by the next.
        const { changed, resolved } = await this.alerts.saveEvaluations(batch, ctx.now, reject);
        const { created } = await this.outbox.enqueueMany(
          batchMails.filter((mail) => !rejected.has(batchDossiers.get(mail.dedupeKey) ?? '')),
          (dedupeKey, reason) => reject(batchDossiers.get(dedupeKey) ?? '', reason),
        );
        queued += created;
        ctx.written(changed + resolved);
        ctx.advance(batchHandled);
      });
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
          // A value longer than its column (a group id of 40 characters) would make the batch's write fail.
          const unstorable = alerts.map(unstorableAlert).find((reason) => reason !== null);
          if (unstorable) {
            ctx.skip(dossier.dsKey, unstorable);
            continue;
          }
          evaluations.push({ dsKey: dossier.dsKey, alerts });
          for (const alert of alerts) {
            const mail = buildAlertMailEntry(
              alert,
              dossier.dossierId,
              ctx.now,
              this.config.contactEmail,
              this.config.dsBaseUrl,
            );
            if (!mail) continue;
            mails.push(mail);
            mailDossiers.set(mail.dedupeKey, dossier.dsKey);
          }
        }
        handled += batch.dossiers.length + batch.broken.length;
        if (evaluations.length >= WRITE_BATCH) await flush();
        await ctx.betweenBatches();
      }
      await flush();
      await writer.drain();
    } finally {
      // Never leave a write running behind a failed or stopped run: the next run must not race with it.
      await writer.settle();
    }
    if (queued) ctx.logger.log(`${queued} alert mail(s) queued`);
  }

  private alertsOf(dossier: Dossier, now: Date): Alert[] {
    return evaluateAlerts(dossier, now, this.config.alerts).map((type) =>
      buildAlert(dossier, type, this.config.dsBaseUrl),
    );
  }

  /**
   * Removes the alerts, not the record of the mails sent: a later sync mails nobody twice (decision
   * alert-mails-outlive-deleted-alerts).
   */
  deleteAll(): Promise<number> {
    return this.alerts.deleteAll();
  }

  /** Open alerts by type, for one group or all, every type present (zero when none is open). */
  async openCountsByType(groupId?: string): Promise<Record<AlertType, number>> {
    const counts = await this.alerts.countOpenByType(groupId);
    return Object.fromEntries(ALERT_TYPES.map((type) => [type, counts.get(type) ?? 0])) as Record<AlertType, number>;
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
  stream(filter: AlertFilter): AsyncGenerator<AlertWithMail[]> {
    const pages = readAhead(
      () => this.readBatch(filter, null),
      (batch) => {
        const last = batch.at(-1)?.alert;
        return last && batch.length === READ_BATCH
          ? this.readBatch(filter, { dsKey: last.dsKey, alertType: last.alertType })
          : null;
      },
    );
    return nonEmpty(pages);
  }

  /**
   * Every stored alert, open or resolved, page after page in (ds_key, alert_type) order: what the daily digest
   * tallies by detection and resolution time. Alerts are few (one per dossier and type at most), and the storage has
   * no query on those times, so the window is applied by the caller.
   */
  async *alertsForDigest(pageSize = DIGEST_PAGE_SIZE): AsyncGenerator<StoredAlert[]> {
    let after: AlertCursor | null = null;
    for (;;) {
      const page = await this.alerts.findAfter({}, after, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { dsKey: last.dsKey, alertType: last.alertType };
    }
  }

  private async readBatch(filter: AlertFilter, after: AlertCursor | null): Promise<AlertWithMail[]> {
    return this.withMails(await this.alerts.findAfter(filter, after, READ_BATCH));
  }

  /**
   * The alert workbook, written while it is read. Each download holds a slot until its stream ends, and beyond
   * DOWNLOAD_CONCURRENCY (1) a request is refused with 503 and Retry-After rather than queued in memory: measured
   * with 8 parallel downloads of 100,000 alerts, the server peaks at 211-222 MB with one build at a time, and two
   * builds at once take it to 290 MB (decision downloads-bounded-per-instance).
   */
  workbook(filter: AlertFilter): Readable {
    const release = this.downloadSlots().tryAcquire();
    if (!release) {
      throw new BusyError('Trop de téléchargements en cours : merci de réessayer dans quelques secondes.', 10);
    }
    return this.build(filter, release);
  }

  private downloadSlots(): ConcurrencyLimit {
    this.downloads ??= new ConcurrencyLimit(this.config.downloadConcurrency);
    return this.downloads;
  }

  /** Streams the workbook, holding the slot (`release`) until the stream ends, whole or cut short. */
  private build(filter: AlertFilter, release: () => void): Readable {
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
  @OnJob({ name: 'alert-email', schedule: 'alertEmail' })
  async deliverMails(ctx: JobContext): Promise<void> {
    await this.outbox.deliverForRun(ctx, { kinds: [ALERT_MAIL_KIND] });
  }
}
