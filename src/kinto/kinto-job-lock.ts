import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { KintoConnection } from './kinto-client.provider';
import { KintoRecords, Stored, kintoId, kintoStatus } from './kinto-records';

/**
 * One lease of a job's lock, `lock-<job>-<generation>`. Each new lease (taking the lock, renewing it, releasing it) is
 * a new record created with `If-None-Match: *` under the next generation's id: of two instances writing the same
 * generation, exactly one creation succeeds. `If-Match` cannot decide such a race on Kinto: the server compares the
 * version with a plain read and then writes without condition, so two overlapping `If-Match` writes both succeed
 * (20 races out of 20 on Kinto 16.2.3 with PostgreSQL).
 */
interface LockRecord {
  job: string;
  generation: number;
  /** The handle holding this lease; empty once released. */
  holder: string;
  /** Epoch ms; past it (or 0: released) the next generation is free to take. */
  expires_at: number;
}

export interface KintoLockOptions {
  /** How long a lease lives without renewal: a holder that died blocks its job this long at most. */
  ttlMs: number;
  /** How often a holder renews its lease while its job runs. */
  refreshMs: number;
}

export const KINTO_LOCK_OPTIONS = 'KINTO_LOCK_OPTIONS';
/** A dead instance blocks a job for 30 s at most; three renewals per lease survive two lost requests. */
export const DEFAULT_KINTO_LOCK_OPTIONS: KintoLockOptions = { ttlMs: 30_000, refreshMs: 10_000 };

export const lockId = (job: string, generation: number) => kintoId('lock', job, generation);

/** A lock write that got no answer (timeout, connection lost): the server may have carried it out, or may still. */
interface Unsettled {
  id: string;
  holder: string;
  job: string;
  generation: number;
  /** Once past, the lease it may have created has expired and blocks nobody. */
  expiresAt: number;
}

/** A held lock; `refresh` is what the timer calls, exposed for tests. */
export class KintoLockHandle {
  private lost = false;
  private pending: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly lock: KintoJobLock,
    private lease: Stored<LockRecord>,
    private readonly options: KintoLockOptions,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.refresh(), options.refreshMs);
    // A pending renewal must not keep a finished CLI process alive.
    this.timer.unref();
  }

  get held(): boolean {
    return !this.lost;
  }

  get job(): string {
    return this.lease.job;
  }

  /**
   * Renews the lease by creating the next generation: false once another instance has taken the lock over (it
   * created that generation first), or once the lease ran out without a renewal getting through. Never throws.
   */
  refresh(): Promise<boolean> {
    const run = this.pending.then(async () => {
      if (this.lost) return false;
      const { job, holder, generation } = this.lease;
      const next = await this.lock.writeLease(job, generation + 1, holder, this.lock.now() + this.options.ttlMs);
      if (next === 'lost') return this.loseLease(`${job}: lock lost (it expired and another instance took it over)`);
      if (next === 'unknown') {
        if (this.lock.now() < this.lease.expires_at) return true;
        return this.loseLease(`${job}: lock lost (no renewal reached Kinto before the lease ran out)`);
      }
      const previous = this.lease;
      this.lease = next;
      await this.lock.forget(previous.id);
      return true;
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Writes the released lease (the next generation, expired at once). Never throws: a lease left behind expires. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
    this.lock.dropHandle(this);
    if (this.lost) return;
    this.lost = true;
    const { job, generation } = this.lease;
    const released = await this.lock.writeLease(job, generation + 1, '', 0);
    if (released === 'lost') this.logger.warn(`${job}: lock was no longer ours at release`);
    else if (released !== 'unknown') await this.lock.forget(this.lease.id);
  }

  private loseLease(message: string): false {
    this.lost = true;
    clearInterval(this.timer);
    this.lock.dropHandle(this);
    this.logger.error(message);
    return false;
  }
}

/**
 * Kinto has no advisory locks: a job's lock is a chain of short leases (see `LockRecord`), the newest one telling
 * who holds the job and until when. A holder renews every `refreshMs`; an instance that died blocks the job for at
 * most `ttlMs`; a stopping instance releases its locks. Expiries use the application clock of each instance; the
 * lease is far longer than any sane clock skew.
 *
 * It fulfils the jobs' lock contract (`tryAcquire`, a handle with `release`) by shape rather than by inheritance, so
 * that kinto/ depends on no feature; the jobs module's `storeProvider(JobLock, ...)` checks the shape at compile time.
 */
@Injectable()
export class KintoJobLock implements OnApplicationShutdown {
  private readonly logger = new Logger('KintoJobLock');
  private readonly records: KintoRecords<LockRecord>;
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly options: KintoLockOptions;
  private readonly handles = new Set<KintoLockHandle>();
  private readonly unsettled = new Map<string, Unsettled>();

  constructor(
    kinto: KintoConnection,
    private readonly clock: Clock,
    @Optional() @Inject(KINTO_LOCK_OPTIONS) options?: KintoLockOptions,
  ) {
    this.records = new KintoRecords(kinto, 'job_locks');
    this.options = options ?? DEFAULT_KINTO_LOCK_OPTIONS;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  async tryAcquire(job: string): Promise<KintoLockHandle | null> {
    await this.settle();
    const [latest] = await this.records.first(1, { filters: { job }, sort: ['-generation'] });
    if (latest && latest.expires_at > this.now()) return null;
    const holder = `${this.instance}#${randomUUID()}`;
    const lease = await this.writeLease(job, (latest?.generation ?? 0) + 1, holder, this.now() + this.options.ttlMs);
    if (lease === 'lost') return null;
    if (lease === 'unknown') throw new Error(`${job}: the lock request failed or got no answer from Kinto`);
    if (latest) {
      if (latest.holder) {
        this.logger.warn(`${job}: took over the lock of ${latest.holder}, expired at ${iso(latest.expires_at)}`);
      }
      await this.forget(latest.id);
    }
    const handle = new KintoLockHandle(this, lease, this.options, this.logger);
    this.handles.add(handle);
    return handle;
  }

  /** A stopping instance gives its jobs back at once rather than blocking them for the rest of the lease. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.handles].map((handle) => handle.release()));
  }

  /**
   * Creates one generation of a job's lock: the record, 'lost' if another writer created it first (412, or 409
   * when both creations overlapped), 'unknown' if no answer came (remembered, and settled later).
   */
  async writeLease(
    job: string,
    generation: number,
    holder: string,
    expiresAt: number,
  ): Promise<Stored<LockRecord> | 'lost' | 'unknown'> {
    const id = lockId(job, generation);
    try {
      const created = await this.records.create(id, { job, generation, holder, expires_at: expiresAt });
      if (created) return created;
      // Our own earlier write, carried out although its answer was lost, counts as ours.
      const existing = await this.records.get(id);
      return existing && holder && existing.holder === holder ? existing : 'lost';
    } catch (error) {
      if (kintoStatus(error) !== undefined) {
        this.logger.warn(`${job}: lock write refused: ${describe(error)}`);
        return 'unknown';
      }
      this.logger.warn(`${job}: lock write unanswered, checked later: ${describe(error)}`);
      if (holder) this.unsettled.set(id, { id, holder, job, generation, expiresAt });
      return 'unknown';
    }
  }

  /** Deletes a superseded lease; best effort (a leftover only costs a record, the newest generation decides). */
  async forget(id: string): Promise<void> {
    try {
      await this.records.delete(id);
    } catch {
      // Left for the next holder's clean-up.
    }
  }

  dropHandle(handle: KintoLockHandle): void {
    this.handles.delete(handle);
  }

  /**
   * Lock writes that got no answer may still have been carried out (Kinto finishes a request whose client gave up):
   * such a lease would block its job with no live holder. Each one is looked up; if it exists and is still the
   * newest generation, it is released; once it would have expired anyway, it is forgotten.
   */
  private async settle(): Promise<void> {
    for (const entry of [...this.unsettled.values()]) {
      if (entry.expiresAt <= this.now()) {
        this.unsettled.delete(entry.id);
        continue;
      }
      if ([...this.handles].some((h) => h.held && h.job === entry.job)) continue;
      let found: Stored<LockRecord> | null;
      try {
        found = await this.records.get(entry.id);
      } catch {
        return;
      }
      if (!found || found.holder !== entry.holder) continue;
      const released = await this.writeLease(entry.job, entry.generation + 1, '', 0);
      if (released !== 'unknown') {
        this.unsettled.delete(entry.id);
        this.logger.warn(`${entry.job}: released a lease whose creation had gone unanswered`);
        if (released !== 'lost') await this.forget(entry.id);
      }
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
