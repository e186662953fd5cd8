import { hostname } from 'node:os';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { JobAlreadyRunningError } from './job-errors';
import { JobContext } from './job-handler';
import { JobLock } from './job-lock';
import { JobRegistry } from './job-registry';
import { JobCounts, JobRun, JobTrigger, SkippedDossier } from './job-run';
import { JobRunRepository } from './job-run.repository';

export interface StartOptions {
  trigger: JobTrigger;
  /** Ignore the watermark and handle every dossier. */
  full?: boolean;
  params?: Record<string, unknown>;
  onProgress?: (progress: { done: number; total: number | null; counts: JobCounts }) => void;
}

export interface StartedJob {
  run: JobRun;
  /** Settles when the run ends; never rejects (a failure is recorded on the run). */
  done: Promise<JobRun>;
}

const MAX_SKIPPED_KEYS_KEPT = 1000;
const PROGRESS_FLUSH_MS = 1000;

/**
 * Runs a job once: takes its lock, opens a run record, hands the job its window, and moves the watermark only after
 * the job has returned, i.e. after all its writes are committed. A failed run leaves the watermark where it was, so
 * the next run covers the same window again, and always releases the lock (B16, B19).
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(
    private readonly registry: JobRegistry,
    private readonly lock: JobLock,
    private readonly runs: JobRunRepository,
    private readonly history: SynchroHistoryRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  async start(name: string, options: StartOptions): Promise<StartedJob> {
    const handler = this.registry.get(name);
    const lock = await this.lock.tryAcquire(name);
    if (!lock) throw new JobAlreadyRunningError(name);
    let run: JobRun;
    const startedAt = this.clock.now();
    const full = options.full ?? false;
    try {
      const abandoned = await this.runs.abandonRunning(name, startedAt);
      if (abandoned) this.logger.warn(`${name}: ${abandoned} earlier run(s) marked abandoned`);
      const watermark = handler.incremental && !full ? await this.history.get(name) : null;
      const since = watermark ? new Date(Math.max(0, watermark.getTime() - this.config.syncOverlapMs)) : null;
      run = await this.runs.create({
        job: name,
        trigger: options.trigger,
        params: { ...(options.params ?? {}), full },
        instance: this.instance,
        startedAt,
        since,
      });
    } catch (error) {
      await lock.release();
      throw error;
    }
    this.logger.log(
      `${name}: run ${run.id} started (${options.trigger}, ${run.since ? `since ${run.since.toISOString()}` : 'all dossiers'})`,
    );
    const done = this.execute(run, options).finally(() => lock.release());
    void done.then((ended) => this.metrics?.jobEnded(ended));
    return { run, done };
  }

  /** Starts and waits for the end. */
  async runToEnd(name: string, options: StartOptions): Promise<JobRun> {
    const { done } = await this.start(name, options);
    return done;
  }

  private async execute(run: JobRun, options: StartOptions): Promise<JobRun> {
    const handler = this.registry.get(run.job);
    const counts: JobCounts = { read: 0, written: 0, skipped: 0, failed: 0 };
    const skippedKeys: SkippedDossier[] = [];
    let done = 0;
    let total: number | null = null;
    let lastFlush = 0;
    const logger = new Logger(`Job ${run.job}`);
    // One progress write at a time, and none still running when the final state is written: a late one would put
    // older counts over the final ones, and hold a connection past the end of the run.
    let progressWrite: Promise<void> = Promise.resolve();
    const notify = () => {
      options.onProgress?.({ done, total, counts: { ...counts } });
      const at = Date.now();
      if (at - lastFlush < PROGRESS_FLUSH_MS) return;
      lastFlush = at;
      progressWrite = progressWrite
        .then(() => this.runs.update(run.id, { ...counts, skippedKeys, progressDone: done, progressTotal: total }))
        // Progress is informative: a failed write of it must not fail the run.
        .catch((error) => logger.warn(`progress not saved: ${String(error)}`));
    };
    const context: JobContext = {
      runId: run.id,
      now: run.startedAt,
      since: run.since,
      params: run.params,
      logger,
      counts,
      read: (n = 1) => void (counts.read += n),
      written: (n = 1) => void (counts.written += n),
      failed: (n = 1) => void (counts.failed += n),
      skip: (dsKey, reason) => {
        counts.skipped += 1;
        if (skippedKeys.length < MAX_SKIPPED_KEYS_KEPT) skippedKeys.push({ dsKey, reason });
        logger.warn(`skipped ${dsKey}: ${reason}`);
      },
      setTotal: (value) => {
        total = value;
        notify();
      },
      advance: (n = 1) => {
        done += n;
        notify();
      },
    };
    try {
      await handler.run(context);
      await progressWrite;
      await this.history.set(run.job, run.startedAt);
      const finishedAt = this.clock.now();
      await this.runs.update(run.id, {
        ...counts,
        skippedKeys,
        progressDone: done,
        progressTotal: total ?? done,
        status: 'succeeded',
        finishedAt,
      });
      this.logger.log(
        `${run.job}: run ${run.id} succeeded: read ${counts.read}, written ${counts.written}, skipped ${counts.skipped}, failed ${counts.failed}`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        `${run.job}: run ${run.id} failed: ${message}`,
        error instanceof Error ? error.stack : undefined,
      );
      await progressWrite;
      await this.runs
        .update(run.id, {
          ...counts,
          skippedKeys,
          progressDone: done,
          progressTotal: total,
          status: 'failed',
          finishedAt: this.clock.now(),
          error: message,
        })
        .catch((e) => this.logger.error(`${run.job}: could not record the failure: ${String(e)}`));
    }
    return (await this.runs.findById(run.id).catch(() => null)) ?? run;
  }
}
