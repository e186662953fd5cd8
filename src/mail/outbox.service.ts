import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { RejectHandler } from '../database/isolate-rows';
import { JobContext } from '../jobs/job-handler';
import { JobLock, LockHandle } from '../jobs/job-lock';
import { OnJob } from '../jobs/job.decorator';
import { MailTransport } from './mail-transport';
import { MailToSend, OutgoingMail, ResolvedAttachment } from './outgoing-mail';
import { OutboxCursor, OutboxEntry, OutboxRepository, OutboxState } from './outbox.repository';

/** What other modules see of a stored mail (the alert workbook shows its state). */
export type { OutboxEntry, OutboxState };

export interface EnqueueEntry {
  /** One mail per key, ever: an existing entry, whatever its state, is never queued again. */
  dedupeKey: string;
  kind: string;
  mail: OutgoingMail;
  /** `blocked` records a mail that was decided against, so that it is never sent later either. */
  state?: 'to_send' | 'blocked';
  /** A mail still unsent at this instant is blocked instead of sent, by whichever job gets to it. */
  notAfter?: Date | null;
}

export type AttachmentResolver = (params: Record<string, unknown>) => Promise<ResolvedAttachment>;

export interface DeliveryOutcome {
  sent: number;
  blocked: number;
  /** Failed attempts that will be retried later. */
  retried: number;
  /** Mails given up after MAIL_MAX_ATTEMPTS failed attempts. */
  failed: number;
}

export interface DeliveryOptions {
  /** The run's now: what is due, what is too late, and when to retry are decided against it. */
  now: Date;
  kinds?: string[];
  /** Only mails that already failed once (the `mail-outbox` job); first attempts belong to the queuing job. */
  retriesOnly?: boolean;
  /** Decided again just before sending: true blocks the mail for good. */
  shouldBlock?: (entry: OutboxEntry) => boolean;
  onProgress?: (outcome: DeliveryOutcome) => void;
  /** Checked between two pages: the delivery stops there (what is left waits for the next run). */
  stopping?: AbortSignal;
}

export const MAIL_DELIVERY_LOCK = 'mail-delivery';
const PAGE_SIZE = 100;
// Another delivery usually ends within seconds; a minute covers a slow SMTP server without stalling a job for long.
const LOCK_TRIES = 60;
const LOCK_RETRY_MS = 1000;
const MAX_ERROR_LENGTH = 1000;

/**
 * The mail outbox: jobs queue mails here, in the same run that decides them, and the mails leave from here, under
 * one lock, so that two jobs or two replicas never pick the same mail.
 *
 * Never lost: a mail is written before any attempt to send it, and an SMTP failure leaves it `to_send` with a retry
 * time. Never twice: the dedupe key refuses a second mail about the same thing, and the message id is written in the
 * same statement that marks the mail `sent`. One window remains: if the process dies (or the database becomes
 * unreachable) after the SMTP server accepted a mail and before that statement commits, the mail is still `to_send`
 * and goes out once more at the next delivery. The window is one round trip to the database; closing it would take
 * a "sending" state that, after a crash, cannot tell a sent mail from an unsent one, i.e. trading a rare duplicate
 * for a possibly lost mail, which is worse for a mail that tells an applicant their APT is not valid.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger('Mail');
  private readonly resolvers = new Map<string, AttachmentResolver>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly lock: JobLock,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async enqueue(entry: EnqueueEntry): Promise<{ created: boolean }> {
    const { created } = await this.enqueueMany([entry]);
    return { created: created === 1 };
  }

  /**
   * `enqueue` for a batch, in as few writes as possible; returns how many were new. With `reject`, a mail the store
   * refuses is left out and reported by dedupe key, and the others are queued.
   */
  async enqueueMany(entries: EnqueueEntry[], reject?: RejectHandler): Promise<{ created: number }> {
    if (entries.length === 0) return { created: 0 };
    const createdAt = this.clock.now();
    const keys = await this.outbox.addIfAbsent(
      entries.map((e) => ({
        dedupeKey: e.dedupeKey,
        kind: e.kind,
        mail: e.mail,
        state: e.state ?? 'to_send',
        notAfter: e.notAfter ?? null,
        createdAt,
      })),
      reject,
    );
    return { created: keys.length };
  }

  registerAttachmentResolver(name: string, resolve: AttachmentResolver): void {
    if (this.resolvers.has(name)) throw new Error(`Attachment resolver ${name} is already registered`);
    this.resolvers.set(name, resolve);
  }

  /** The mails of these states, by dedupe key (for the workbooks and lists that show what was mailed). */
  async findByDedupeKeys(dedupeKeys: string[]): Promise<Map<string, OutboxEntry>> {
    const entries = await this.outbox.findByDedupeKeys(dedupeKeys);
    return new Map(entries.map((e) => [e.dedupeKey, e]));
  }

  /**
   * Empties the recipients and content of the mails sent, blocked or given up before `before`; their dedupe keys
   * and states stay, so none is ever queued again. Mails still waiting are kept whole. Returns how many were emptied.
   */
  forgetContentProcessedBefore(before: Date): Promise<number> {
    return this.outbox.forgetContentProcessedBefore(before);
  }

  /** Retries, for every kind of mail, the mails whose first attempt failed and whose retry time has come. */
  @OnJob({ name: 'mail-outbox', schedule: 'mailOutbox' })
  async retryDue(ctx: JobContext): Promise<void> {
    await this.deliverForRun(ctx, { retriesOnly: true });
  }

  /** Delivers as a job's run: the progress follows each mail, and the outcome becomes the run's counts. */
  async deliverForRun(
    ctx: JobContext,
    options: Omit<DeliveryOptions, 'now' | 'onProgress' | 'stopping'>,
  ): Promise<DeliveryOutcome> {
    let done = 0;
    const outcome = await this.deliverDue({
      ...options,
      now: ctx.now,
      stopping: ctx.stopping,
      onProgress: (progress) => {
        const total = progress.sent + progress.blocked + progress.retried + progress.failed;
        ctx.advance(total - done);
        done = total;
      },
    });
    ctx.read(outcome.sent + outcome.blocked + outcome.retried + outcome.failed);
    ctx.written(outcome.sent + outcome.blocked);
    ctx.failed(outcome.failed);
    return outcome;
  }

  async deliverDue(options: DeliveryOptions): Promise<DeliveryOutcome> {
    const outcome: DeliveryOutcome = { sent: 0, blocked: 0, retried: 0, failed: 0 };
    if (!this.config.mail.enabled) {
      // Decision disabled-mail-changes-nothing: the original marked mails sent with a fake id; here they simply wait
      // for mail to be enabled.
      const waiting = await this.outbox.countToSend(options.kinds);
      this.logger.log(`MAIL_ENABLED=false: nothing sent, nothing changed (${waiting} mail(s) waiting)`);
      return outcome;
    }
    const lock = await this.acquireDeliveryLock();
    if (!lock) {
      // Nothing is lost: the mails stay `to_send` for the next run of their job.
      this.logger.warn('Another delivery has been running for a minute: these mails wait for the next run');
      return outcome;
    }
    try {
      let after: OutboxCursor | null = null;
      for (;;) {
        const page = await this.outbox.findDue({
          now: options.now,
          kinds: options.kinds,
          retriesOnly: options.retriesOnly ?? false,
          after,
          limit: PAGE_SIZE,
        });
        for (const entry of page) {
          await this.deliver(entry, options, outcome);
          options.onProgress?.({ ...outcome });
        }
        if (page.length < PAGE_SIZE || options.stopping?.aborted) break;
        const last = page[page.length - 1];
        after = { createdAt: last.createdAt, id: last.id };
      }
    } finally {
      await lock.release();
    }
    const { sent, blocked, retried, failed } = outcome;
    if (sent + blocked + retried + failed > 0) {
      this.logger.log(`Delivery: ${sent} sent, ${blocked} blocked, ${retried} to retry, ${failed} given up`);
    }
    return outcome;
  }

  private async deliver(entry: OutboxEntry, options: DeliveryOptions, outcome: DeliveryOutcome): Promise<void> {
    const { now } = options;
    const tooLate = entry.notAfter !== null && now.getTime() >= entry.notAfter.getTime();
    if (tooLate || options.shouldBlock?.(entry)) {
      const reason = tooLate ? `not sent after ${entry.notAfter?.toISOString()}` : 'blocked at send time';
      if (await this.outbox.markBlocked(entry.id, now, reason)) outcome.blocked += 1;
      return;
    }
    let messageId: string;
    try {
      messageId = (await this.transport.send(await this.resolve(entry))).messageId;
    } catch (error) {
      await this.recordFailure(entry, now, error, outcome);
      return;
    }
    if (await this.outbox.markSent(entry.id, messageId, now)) outcome.sent += 1;
    else this.logger.warn(`${entry.dedupeKey}: sent, but no longer waiting when marked sent`);
  }

  private async resolve(entry: OutboxEntry): Promise<MailToSend> {
    const attachments: ResolvedAttachment[] = [];
    for (const ref of entry.mail.attachments ?? []) {
      const resolver = this.resolvers.get(ref.resolver);
      if (!resolver) throw new Error(`No attachment resolver named ${ref.resolver}`);
      attachments.push(await resolver(ref.params));
    }
    return { ...entry.mail, html: entry.mail.html ?? null, attachments };
  }

  /** Exponential backoff: the n-th failure waits MAIL_RETRY_BASE_SECONDS × 2^(n−1), up to MAIL_MAX_ATTEMPTS. */
  private async recordFailure(entry: OutboxEntry, now: Date, error: unknown, outcome: DeliveryOutcome): Promise<void> {
    const { maxAttempts, retryBaseMs } = this.config.mail;
    const attempts = entry.attempts + 1;
    const exhausted = attempts >= maxAttempts;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    const nextAttemptAt = exhausted ? null : new Date(now.getTime() + retryBaseMs * 2 ** (attempts - 1));
    const recorded = await this.outbox.recordFailure(entry.id, { attempts, error: message, at: now, nextAttemptAt });
    if (!recorded) return;
    if (exhausted) {
      outcome.failed += 1;
      this.logger.error(`${entry.dedupeKey}: given up after ${attempts} attempt(s): ${message}`);
    } else {
      outcome.retried += 1;
      this.logger.warn(
        `${entry.dedupeKey}: attempt ${attempts} failed (${message}); next ${nextAttemptAt?.toISOString()}`,
      );
    }
  }

  private async acquireDeliveryLock(): Promise<LockHandle | null> {
    for (let attempt = 1; attempt <= LOCK_TRIES; attempt += 1) {
      const handle = await this.lock.tryAcquire(MAIL_DELIVERY_LOCK);
      if (handle) return handle;
      if (attempt < LOCK_TRIES) await sleep(LOCK_RETRY_MS);
    }
    return null;
  }
}
