import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { KintoConnection } from './kinto-client.provider';
import { KintoRecords, Stored, kintoId } from './kinto-records';

/** A record of `job_locks`: who holds the job, and until when if it stops refreshing. */
interface LockRecord {
  job: string;
  holder: string;
  /** Epoch ms. */
  acquired_at: number;
  /** Epoch ms; past it, any instance may take the lock over. */
  expires_at: number;
}

export interface KintoLockOptions {
  /** How long a lock lives without being refreshed: a crashed holder blocks its job this long at most. */
  ttlMs: number;
  /** How often a holder pushes its expiry back while its job runs. */
  refreshMs: number;
}

export const KINTO_LOCK_OPTIONS = 'KINTO_LOCK_OPTIONS';
export const DEFAULT_KINTO_LOCK_OPTIONS: KintoLockOptions = { ttlMs: 10 * 60_000, refreshMs: 2 * 60_000 };

/** A held lock; `refresh` is what the timer calls, exposed for tests. */
export class KintoLockHandle {
  private version: number;
  private lost = false;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly records: KintoRecords<LockRecord>,
    private readonly id: string,
    private readonly record: Stored<LockRecord>,
    private readonly clock: Clock,
    private readonly options: KintoLockOptions,
    private readonly logger: Logger,
  ) {
    this.version = record.last_modified;
    this.timer = setInterval(() => {
      this.refresh().catch((error) => this.logger.warn(`${record.job}: lock not refreshed: ${String(error)}`));
    }, options.refreshMs);
    // A pending refresh must not keep a finished CLI process alive.
    this.timer.unref();
  }

  get held(): boolean {
    return !this.lost;
  }

  /** Pushes the expiry back, conditional on our version: false once another instance has taken the lock over. */
  refresh(): Promise<boolean> {
    const run = this.pending.then(async () => {
      if (this.lost) return false;
      const { job, holder, acquired_at } = this.record;
      const expires_at = this.clock.now().getTime() + this.options.ttlMs;
      const stored = await this.records.replace(this.id, { job, holder, acquired_at, expires_at }, this.version);
      if (!stored) {
        this.lost = true;
        clearInterval(this.timer);
        this.logger.error(`${this.record.job}: lock lost (it expired and another instance took it over)`);
        return false;
      }
      this.version = stored.last_modified;
      return true;
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Deletes the lock only if it is still ours (`If-Match`): never the lock of whoever took it over. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
    if (this.lost) return;
    this.lost = true;
    const deleted = await this.records.delete(this.id, this.version);
    if (!deleted) this.logger.warn(`${this.record.job}: lock was no longer ours at release`);
  }
}

/**
 * Kinto has no advisory locks: a job's lock is a record created only if absent (`If-None-Match: *`), carrying an
 * expiry that its holder keeps pushing back. An expired lock (its holder crashed or hung) is taken over with
 * `If-Match` on the version read, so of two instances racing for it exactly one wins. Expiries use the application
 * clock of each instance; the TTL is far larger than any sane clock skew.
 *
 * It fulfils the jobs' lock contract (`tryAcquire`, a handle with `release`) by shape rather than by inheritance, so
 * that kinto/ depends on no feature; the jobs module's `storeProvider(JobLock, ...)` checks the shape at compile time.
 */
@Injectable()
export class KintoJobLock {
  private readonly logger = new Logger('KintoJobLock');
  private readonly records: KintoRecords<LockRecord>;
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly options: KintoLockOptions;

  constructor(
    kinto: KintoConnection,
    private readonly clock: Clock,
    @Optional() @Inject(KINTO_LOCK_OPTIONS) options?: KintoLockOptions,
  ) {
    this.records = new KintoRecords(kinto, 'job_locks');
    this.options = options ?? DEFAULT_KINTO_LOCK_OPTIONS;
  }

  async tryAcquire(job: string): Promise<KintoLockHandle | null> {
    const id = kintoId('lock', job);
    const now = this.clock.now().getTime();
    const mine: LockRecord = {
      job,
      holder: `${this.instance}#${randomUUID()}`,
      acquired_at: now,
      expires_at: now + this.options.ttlMs,
    };
    let stored = await this.records.create(id, mine);
    if (!stored) {
      const existing = await this.records.get(id);
      if (!existing) {
        // Released between our two requests: one more try, still create-only.
        stored = await this.records.create(id, mine);
      } else if (existing.expires_at <= now) {
        stored = await this.records.replace(id, mine, existing.last_modified);
        if (stored) {
          this.logger.warn(
            `${job}: took over the lock of ${existing.holder}, expired at ${new Date(existing.expires_at).toISOString()}`,
          );
        }
      }
    }
    if (!stored) return null;
    return new KintoLockHandle(this.records, id, stored, this.clock, this.options, this.logger);
  }
}
