import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SynchroHistoryService } from '../synchro-history/synchro-history.service';
import { describeError, stackFrames } from '../common/describe-error';
import { JobAlreadyRunningError, JobInterruptedError, ShuttingDownError } from './job-errors';
import { JobHandler } from './job-handler';
import { JobLock, LockHandle } from './job-lock';
import { JobRegistry } from './job-registry';
import { JobName, JobRun, JobTrigger } from './job-run';
import { JobRunRepository } from './job-run.repository';
import { ProgressListener, RunRecorder } from './run-recorder';

export interface StartOptions {
  trigger: JobTrigger;
  /** Ignore the watermark and handle every dossier. */
  full?: boolean;
  params?: Record<string, unknown>;
  onProgress?: ProgressListener;
}

export interface StartedJob {
  run: JobRun;
  /** Settles when the run ends; never rejects (a failure is recorded on the run, a lost lock is logged). */
  done: Promise<JobRun>;
}

interface ActiveRun {
  recorder: RunRecorder;
  release: () => Promise<void>;
  done: Promise<JobRun>;
}

/**
 * Runs a job once: takes its lock, opens a run record, hands the job its window, and moves the watermark only after
 * the job has returned, i.e. after all its writes are committed. A failed or interrupted run leaves the watermark
 * where it was, so the next run covers the same window again, and always releases the lock.
 */
@Injectable()
export class JobRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly active = new Map<string, ActiveRun>();
  private accepting = true;

  private readonly endListeners: Array<(run: JobRun) => void> = [];

  constructor(
    private readonly registry: JobRegistry,
    private readonly lock: JobLock,
    private readonly runs: JobRunRepository,
    private readonly history: SynchroHistoryService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Called with every run once it has ended (metrics, the structured log line, error reporting). The runner knows no
   * listener: they register themselves, so that jobs/ imports none of them.
   */
  onJobEnded(listener: (run: JobRun) => void): void {
    this.endListeners.push(listener);
  }

  private notifyEnded(run: JobRun): void {
    for (const listener of this.endListeners) {
      try {
        listener(run);
      } catch (error) {
        this.logger.warn(`a listener of ended runs failed: ${describeError(error)}`);
      }
    }
  }

  async start(name: JobName, options: StartOptions): Promise<StartedJob> {
    const handler = this.registry.get(name);
    if (!this.accepting) throw new ShuttingDownError(name);
    const handle = await this.lock.tryAcquire(name);
    if (!handle) throw new JobAlreadyRunningError(name);
    const release = this.releaser(name, handle);
    let run: JobRun;
    try {
      if (!this.accepting) throw new ShuttingDownError(name);
      run = await this.open(handler, options);
    } catch (error) {
      await release();
      throw error;
    }
    this.logger.log(
      `${name}: run ${run.id} started (${options.trigger}, ${run.since ? `since ${run.since.toISOString()}` : 'all dossiers'})`,
    );
    const recorder = new RunRecorder(run, this.runs, this.clock, new Logger(`Job ${name}`), options.onProgress);
    const done = this.execute(handler, run, recorder).then(async (ended) => {
      await release();
      this.active.delete(run.id);
      return ended;
    });
    this.active.set(run.id, { recorder, release, done });
    void done.then((ended) => this.notifyEnded(ended));
    return { run, done };
  }

  /** Starts and waits for the end. */
  async runToEnd(name: JobName, options: StartOptions): Promise<JobRun> {
    const { done } = await this.start(name, options);
    return done;
  }

  /**
   * Starts no more runs, asks the running ones to stop at the end of their current batch and waits for them up to
   * SHUTDOWN_GRACE_SECONDS. A run still going then is recorded interrupted and its lock released anyway: the
   * process is about to end, and the next run covers its window again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    const running = [...this.active.values()];
    if (running.length === 0) return;
    const graceMs = this.config.shutdownGraceMs;
    this.logger.log(
      `shutdown: stopping ${running.length} run(s) at the end of their batch (up to ${graceMs / 1000} s)`,
    );
    for (const { recorder } of running) recorder.stop();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(running.map((r) => r.done)), graceOver]);
    clearTimeout(timer);
    for (const [id, { recorder, release }] of this.active) {
      this.logger.warn(`run ${id} did not stop within ${graceMs / 1000} s: recorded interrupted`);
      await recorder.interrupted().catch((error: unknown) => this.recordingFailed(id, error));
      await release();
    }
  }

  private async open(handler: JobHandler, options: StartOptions): Promise<JobRun> {
    const startedAt = this.clock.now();
    const full = options.full ?? false;
    const abandoned = await this.runs.abandonRunning(handler.name, startedAt);
    if (abandoned) this.logger.warn(`${handler.name}: ${abandoned} earlier run(s) marked abandoned`);
    const watermark = handler.incremental && !full ? await this.history.lastSuccessfulStart(handler.name) : null;
    const since = watermark ? new Date(Math.max(0, watermark.getTime() - this.config.syncOverlapMs)) : null;
    return this.runs.create({
      job: handler.name,
      trigger: options.trigger,
      params: { ...(options.params ?? {}), full },
      instance: this.instance,
      startedAt,
      since,
    });
  }

  /** Never rejects: every ending is recorded (or, if the store is gone, logged). */
  private async execute(handler: JobHandler, run: JobRun, recorder: RunRecorder): Promise<JobRun> {
    const label = `${run.job}: run ${run.id}`;
    try {
      await handler.run(recorder.context);
      // A job asked to stop may also just return early: what it did not do is left to the next run.
      if (recorder.stopping) throw new JobInterruptedError();
      await this.history.recordSuccessfulStart(run.job, run.startedAt);
      await recorder.succeeded();
      this.logger.log(`${label} succeeded: ${recorder.summary}`);
    } catch (error) {
      if (error instanceof JobInterruptedError) {
        this.logger.warn(`${label} interrupted by the shutdown: ${recorder.summary}`);
        await recorder.interrupted().catch((e: unknown) => this.recordingFailed(run.id, e));
      } else {
        this.logger.error(`${label} failed: ${describeError(error)}`, stackFrames(error));
        await recorder.failed(error).catch((e: unknown) => this.recordingFailed(run.id, e));
      }
    }
    return (await this.runs.findById(run.id).catch(() => null)) ?? run;
  }

  private recordingFailed(id: string, error: unknown): void {
    this.logger.error(`run ${id}: could not record its end: ${describeError(error)}`);
  }

  /** Releases once, and never rejects: a lock whose store went away is logged, it must not end the process. */
  private releaser(name: string, handle: LockHandle): () => Promise<void> {
    let released: Promise<void> | null = null;
    return () =>
      (released ??= Promise.resolve()
        .then(() => handle.release())
        .catch((error: unknown) => this.logger.error(`${name}: lock not released: ${describeError(error)}`)));
  }
}
