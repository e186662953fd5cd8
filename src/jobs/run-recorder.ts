import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SerialWriter } from '../common/serial-writer';
import { describeError } from '../common/describe-error';
import { JobInterruptedError } from './job-errors';
import { JobContext } from './job-handler';
import { JobCounts, JobRun, JobStatus, SkippedDossier } from './job-run';
import { JobRunRepository } from './job-run.repository';

export type ProgressListener = (progress: { done: number; total: number | null; counts: JobCounts }) => void;

const MAX_SKIPPED_KEYS_KEPT = 1000;
const PROGRESS_FLUSH_MS = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The record of one run while it goes: the context handed to the job, its counts and skipped dossiers, progress
 * written at most once a second, and the final state, written once, after the last progress write has landed (a
 * late one would put older counts over the final ones and hold a connection past the end of the run).
 */
export class RunRecorder {
  readonly context: JobContext;
  private readonly counts: JobCounts = { read: 0, written: 0, skipped: 0, failed: 0 };
  private readonly skippedKeys: SkippedDossier[] = [];
  private readonly progress = new SerialWriter();
  private readonly abort = new AbortController();
  private done = 0;
  private total: number | null = null;
  private lastFlush = 0;
  private finished = false;

  constructor(
    private readonly run: JobRun,
    private readonly runs: JobRunRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onProgress?: ProgressListener,
  ) {
    const { counts, skippedKeys } = this;
    const signal = this.abort.signal;
    this.context = {
      runId: run.id,
      now: run.startedAt,
      since: run.since,
      params: run.params,
      logger,
      counts,
      stopping: signal,
      read: (n = 1) => void (counts.read += n),
      written: (n = 1) => void (counts.written += n),
      failed: (n = 1) => void (counts.failed += n),
      skip: (dsKey, reason) => {
        counts.skipped += 1;
        if (skippedKeys.length < MAX_SKIPPED_KEYS_KEPT) skippedKeys.push({ dsKey, reason });
        logger.warn(`skipped ${dsKey}: ${reason}`);
      },
      setTotal: (value) => {
        this.total = value;
        this.notify();
      },
      advance: (n = 1) => {
        this.done += n;
        this.notify();
      },
      betweenBatches: async () => {
        await nextTurn();
        if (signal.aborted) throw new JobInterruptedError();
      },
    };
  }

  /** Asks the job to stop at the end of its current batch. */
  stop(): void {
    this.abort.abort();
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  succeeded(): Promise<void> {
    return this.finish('succeeded', null);
  }

  /** A job asked to stop and that did, at a batch boundary or by returning early. */
  interrupted(): Promise<void> {
    return this.finish('interrupted', 'Stopped by the shutdown of its instance before the end');
  }

  /** Records the error without the query or its parameters (see `describeError`). */
  failed(error: unknown): Promise<void> {
    return this.finish('failed', describeError(error));
  }

  get summary(): string {
    const { read, written, skipped, failed } = this.counts;
    return `read ${read}, written ${written}, skipped ${skipped}, failed ${failed}`;
  }

  private notify(): void {
    this.onProgress?.({ done: this.done, total: this.total, counts: { ...this.counts } });
    const at = Date.now();
    if (this.finished || at - this.lastFlush < PROGRESS_FLUSH_MS) return;
    this.lastFlush = at;
    this.progress.enqueue(() =>
      this.runs
        .update(this.run.id, this.snapshot())
        // Progress is informative: a failed write of it must not fail the run.
        .catch((error: unknown) => this.logger.warn(`progress not saved: ${describeError(error)}`)),
    );
  }

  private snapshot() {
    return { ...this.counts, skippedKeys: [...this.skippedKeys], progressDone: this.done, progressTotal: this.total };
  }

  /**
   * The one write of the final state. Once it is stored, a second ending (a run recorded interrupted at the end of
   * the shutdown grace that returns afterwards) changes nothing; if it could not be stored, the next ending tries.
   */
  private async finish(status: Exclude<JobStatus, 'running' | 'abandoned'>, error: string | null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.progress.settle();
      const snapshot = this.snapshot();
      await this.runs.update(this.run.id, {
        ...snapshot,
        progressTotal:
          status === 'succeeded' ? (snapshot.progressTotal ?? snapshot.progressDone) : snapshot.progressTotal,
        status,
        finishedAt: this.clock.now(),
        error,
      });
    } catch (failure) {
      this.finished = false;
      throw failure;
    }
  }
}
