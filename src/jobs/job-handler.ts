import { Logger } from '@nestjs/common';
import { JobCounts, JobName } from './job-run';
import { JobOptions } from './job.decorator';

/** What a job sees of its run. */
export interface JobContext {
  readonly runId: string;
  /** When the run started: the end of its window and its "now" for every rule. */
  readonly now: Date;
  /** Start of the window of changed dossiers to read; null means every dossier. */
  readonly since: Date | null;
  readonly params: Record<string, unknown>;
  readonly logger: Logger;
  readonly counts: Readonly<JobCounts>;
  /** Aborted when the instance shuts down: the job stops at the end of its current batch. */
  readonly stopping: AbortSignal;
  read(n?: number): void;
  written(n?: number): void;
  failed(n?: number): void;
  /** A dossier that could not be handled: counted, logged with its key, and the run goes on. */
  skip(dsKey: string, reason: string): void;
  setTotal(total: number | null): void;
  advance(n?: number): void;
  /**
   * To await between two batches: lets the event loop answer the requests waiting meanwhile (on the embedded
   * database every query runs on the main thread, and a long run would otherwise hold HTTP answers for seconds),
   * then throws `JobInterruptedError` if the instance is shutting down.
   */
  betweenBatches(): Promise<void>;
}

/** A job as the registry found it: its declaration and the method that runs it, bound to its service. */
export interface JobHandler extends Required<Pick<JobOptions, 'incremental'>> {
  readonly name: JobName;
  readonly schedule: JobOptions['schedule'] | null;
  run(context: JobContext): Promise<void>;
}
