import { Injectable } from '@nestjs/common';
import { JobRunRepository } from './job-run.repository';

/** The record of past runs, for the modules that look after it (the retention job). */
@Injectable()
export class JobRunsService {
  constructor(private readonly runs: JobRunRepository) {}

  /** Forgets the runs that ended before `before`; a run still going is kept whatever its age. Returns how many. */
  deleteRunsFinishedBefore(before: Date): Promise<number> {
    return this.runs.deleteFinishedBefore(before);
  }
}
