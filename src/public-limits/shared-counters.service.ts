import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CounterState, SharedCounterRepository } from './shared-counter.repository';

/** How long hits wait before they are added to the shared counters: the lag another replica may see. */
const FLUSH_DELAY_MS = 100;
/** Ended windows are removed from the database this often (one indexed DELETE). */
const CLEANUP_EVERY_MS = 10 * 60_000;
/** A counter that is only read (not hit) is read again from the database when its copy is older than this. */
const REFRESH_AFTER_MS = 1000;
/** Local knowledge beyond this many counters is dropped (it is re-read at the next hit), so memory stays bounded. */
const MAX_LOCAL_COUNTERS = 100_000;

interface LocalCounter {
  /** Total across replicas as last read, and its window's end. */
  shared: number;
  expiresAt: number;
  /** Hits of this process not yet added to the shared total. */
  pending: number;
  windowMs: number;
  /** When the shared total was last read back (0: never). */
  readAt: number;
}

/**
 * Counters shared by every replica through the database, without a database write per request: hits are counted
 * in memory at once, and added to the shared rows in one statement a moment later, which answers every touched
 * counter's total. A process therefore always sees its own hits, and the other replicas' hits within about
 * FLUSH_DELAY_MS plus one round trip. If the database is unreachable, hits stay pending (limits still hold per
 * process) and are added when it answers again.
 */
@Injectable()
export class SharedCounters implements OnApplicationShutdown {
  private readonly logger = new Logger('SharedCounters');
  private readonly counters = new Map<string, LocalCounter>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastCleanup = 0;

  constructor(
    private readonly repository: SharedCounterRepository,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit and returns the counter's total in its current window, this hit included. */
  hit(key: string, windowMs: number): { count: number; resetAt: number } {
    const now = this.clock.now().getTime();
    let counter = this.counters.get(key);
    if (!counter || (counter.expiresAt <= now && counter.pending === 0)) {
      counter = this.fresh(key, windowMs, now);
    }
    counter.pending++;
    this.schedule();
    return this.peekCounter(counter, now);
  }

  /**
   * The counter's total in its current window, without counting a hit. A counter this process has not read for a
   * while is read again in the background, so hits made on other replicas show here within about a second.
   */
  peek(key: string, windowMs: number): { count: number; resetAt: number } {
    const now = this.clock.now().getTime();
    const counter = this.counters.get(key) ?? this.fresh(key, windowMs, now);
    if (now - counter.readAt >= REFRESH_AFTER_MS) this.schedule();
    return this.peekCounter(counter, now);
  }

  private fresh(key: string, windowMs: number, now: number): LocalCounter {
    const counter = { shared: 0, expiresAt: now + windowMs, pending: 0, windowMs, readAt: 0 };
    this.counters.set(key, counter);
    return counter;
  }

  /** Adds the pending hits now; resolves when the shared totals are read back. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = null));
    await this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush().catch(() => undefined);
  }

  private peekCounter(counter: LocalCounter, now: number): { count: number; resetAt: number } {
    const shared = counter.expiresAt > now ? counter.shared : 0;
    return { count: shared + counter.pending, resetAt: counter.expiresAt };
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined);
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  private async doFlush(): Promise<void> {
    const now = this.clock.now();
    const sent = new Map<string, number>();
    const stale: string[] = [];
    for (const [key, counter] of this.counters) {
      if (counter.pending > 0) sent.set(key, counter.pending);
      else if (now.getTime() - counter.readAt >= REFRESH_AFTER_MS) stale.push(key);
    }
    if (sent.size || stale.length) {
      let added: CounterState[];
      let read: CounterState[];
      try {
        added = await this.repository.add(
          [...sent].map(([key, hits]) => ({ key, hits, windowMs: this.counters.get(key)!.windowMs })),
          now,
        );
        read = await this.repository.read(stale);
      } catch (error) {
        this.logger.warn(`shared counters not updated, kept in memory: ${(error as Error).message}`);
        this.schedule();
        return;
      }
      // A counter only read, with no row anywhere, has nothing to remember.
      const found = new Set(read.map((r) => r.key));
      for (const key of stale) {
        const counter = this.counters.get(key);
        if (!counter) continue;
        counter.readAt = now.getTime();
        if (!found.has(key) && counter.pending === 0 && counter.shared === 0) this.counters.delete(key);
      }
      for (const state of [...added, ...read]) {
        const counter = this.counters.get(state.key);
        if (!counter) continue;
        counter.pending -= sent.get(state.key) ?? 0;
        sent.delete(state.key);
        counter.shared = state.count;
        counter.expiresAt = state.expiresAt.getTime();
        counter.readAt = now.getTime();
      }
    }
    this.forgetEnded(now.getTime());
    if (now.getTime() - this.lastCleanup >= CLEANUP_EVERY_MS) {
      this.lastCleanup = now.getTime();
      await this.repository.deleteExpired(now).catch(() => 0);
    }
  }

  private forgetEnded(now: number): void {
    for (const [key, counter] of this.counters) {
      if (counter.pending === 0 && counter.expiresAt <= now && counter.readAt > 0) this.counters.delete(key);
    }
    if (this.counters.size <= MAX_LOCAL_COUNTERS) return;
    for (const [key, counter] of this.counters) {
      if (counter.pending === 0) this.counters.delete(key);
      if (this.counters.size <= MAX_LOCAL_COUNTERS / 2) break;
    }
  }
}
