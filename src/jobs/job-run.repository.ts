import { JobRun, JobRunUpdate, NewJobRun } from './job-run';

export abstract class JobRunRepository {
  abstract create(run: NewJobRun): Promise<JobRun>;
  abstract update(id: string, changes: JobRunUpdate): Promise<void>;
  abstract findById(id: string): Promise<JobRun | null>;
  /** Most recent first. */
  abstract list(options: { job?: string; limit: number }): Promise<JobRun[]>;
  /** Marks runs of `job` still shown as running as abandoned (their holder died: we now hold the lock). */
  abstract abandonRunning(job: string, at: Date): Promise<number>;
  /** Deletes the runs that finished before `before`; a run still running is never deleted. Returns how many. */
  abstract deleteFinishedBefore(before: Date): Promise<number>;
}
