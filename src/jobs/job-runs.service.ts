import { Injectable } from '@nestjs/common';
import { JobRun } from './job-run';
import { JobRunRepository } from './job-run.repository';

/** The record of past runs, for the modules that show it (the dashboard) or look after it (the retention job). */
@Injectable()
export class JobRunsService {
  constructor(private readonly runs: JobRunRepository) {}

  /** The most recent runs first, of one job or of all. */
  recent(options: { job?: string; limit: number }): Promise<JobRun[]> {
    return this.runs.list(options);
  }

  /** Forgets the runs that ended before `before`; a run still going is kept whatever its age. Returns how many. */
  deleteRunsFinishedBefore(before: Date): Promise<number> {
    return this.runs.deleteFinishedBefore(before);
  }
}
