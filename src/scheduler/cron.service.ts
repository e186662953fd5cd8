import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config';
import { JobAlreadyRunningError } from '../jobs/job-errors';
import { JobRegistry } from '../jobs/job-registry';
import { JobRunner } from '../jobs/job-runner.service';
import { PARIS } from '../common/paris-time';

/** The whole schedule in one place. A tick only starts a run; the runner's lock keeps it single across replicas. */
@Injectable()
export class CronService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Cron');

  constructor(
    private readonly config: AppConfig,
    private readonly runner: JobRunner,
    private readonly jobs: JobRegistry,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const { crons } = this.config;
    const schedule: Array<[string, string]> = [
      ['validity-check', crons.validityCheck],
      ['validity-check-cleaner', crons.validityCheckCleaner],
      ['alert', crons.alert],
      ['alert-email', crons.alertEmail],
      ['monthly-report', crons.monthlyReport],
      ['alert-digest', crons.alertDigest],
      ['mail-outbox', crons.mailOutbox],
      // Registered with SOURCE=ds-api only.
      ['ds-import', crons.dsImport],
    ];
    for (const [job, expression] of schedule) {
      if (!this.jobs.names().includes(job)) continue;
      const cron = CronJob.from({ cronTime: expression, timeZone: PARIS, onTick: () => this.tick(job), start: true });
      this.registry.addCronJob(job, cron as never);
      this.logger.log(`${job}: scheduled "${expression}" (Europe/Paris)`);
    }
  }

  private async tick(job: string): Promise<void> {
    try {
      const { done } = await this.runner.start(job, { trigger: 'cron' });
      await done;
    } catch (error) {
      if (error instanceof JobAlreadyRunningError) this.logger.log(`${job}: already running elsewhere, tick skipped`);
      else this.logger.error(`${job}: could not start: ${String(error)}`);
    }
  }
}
