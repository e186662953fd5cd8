import { Logger } from '@nestjs/common';
import { JobCounts, JobName } from './job-run';

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
  read(n?: number): void;
  written(n?: number): void;
  failed(n?: number): void;
  /** A dossier that could not be handled: counted, logged with its key, and the run goes on (B3). */
  skip(dsKey: string, reason: string): void;
  setTotal(total: number | null): void;
  advance(n?: number): void;
}

export interface JobHandler {
  readonly name: JobName;
  /** Whether the job reads only what changed since its watermark (the others still record it). */
  readonly incremental: boolean;
  run(context: JobContext): Promise<void>;
}
