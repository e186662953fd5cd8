import { DiscoveryService } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { JobName } from './job-run';

export interface JobOptions {
  name: JobName;
  /** The job reads only what changed since its watermark (minus the overlap); the others still record theirs. */
  incremental?: boolean;
  /** The `AppConfig.crons` key holding the job's cron expression; without it the job runs only on demand. */
  schedule?: keyof AppConfig['crons'];
}

/**
 * Declares a service method as a job, in the one place the job is written: the registry finds it at start and
 * builds the schedule, the admin API's and the CLI's list of jobs from it. The method takes the run's `JobContext`.
 */
export const OnJob = DiscoveryService.createDecorator<JobOptions>();
