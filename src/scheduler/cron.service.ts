import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CronJob } from 'cron';
import { PARIS } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { describeError } from '../common/describe-error';
import { JobAlreadyRunningError, ShuttingDownError } from '../jobs/job-errors';
import { JobRegistry } from '../jobs/job-registry';
import { JobName } from '../jobs/job-run';
import { JobRunner } from '../jobs/job-runner.service';

/**
 * The schedule, built from the jobs' `@OnJob({ schedule })` declarations (their cron expressions were parsed when the
 * configuration was validated). A tick only starts a run; the runner's lock keeps it single across replicas.
 */
@Injectable()
export class CronService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Cron');
  private crons: Array<{ job: JobName; expression: string; cron: CronJob }> = [];

  constructor(
    private readonly config: AppConfig,
    private readonly runner: JobRunner,
    private readonly jobs: JobRegistry,
  ) {}

  onApplicationBootstrap(): void {
    for (const { name, schedule } of this.jobs.all()) {
      if (!schedule) continue;
      const expression = this.config.crons[schedule];
      const cron = CronJob.from({ cronTime: expression, timeZone: PARIS, onTick: () => this.tick(name), start: true });
      this.crons.push({ job: name, expression, cron });
      this.logger.log(`${name}: scheduled "${expression}" (Europe/Paris)`);
    }
  }

  /** No tick may start a run once the shutdown has begun (the runner refuses it anyway). */
  beforeApplicationShutdown(): void {
    for (const { cron } of this.crons) void cron.stop();
    this.crons = [];
  }

  /** What is scheduled, for the logs and the tests. */
  scheduled(): Array<{ job: JobName; expression: string }> {
    return this.crons.map(({ job, expression }) => ({ job, expression }));
  }

  private async tick(job: JobName): Promise<void> {
    try {
      const { done } = await this.runner.start(job, { trigger: 'cron' });
      await done;
    } catch (error) {
      if (error instanceof JobAlreadyRunningError) this.logger.log(`${job}: already running elsewhere, tick skipped`);
      else if (error instanceof ShuttingDownError) this.logger.log(`${job}: shutting down, tick skipped`);
      else this.logger.error(`${job}: could not start: ${describeError(error)}`);
    }
  }
}
