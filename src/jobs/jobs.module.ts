import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { KintoJobLock } from '../kinto/kinto-job-lock';
import { storeProvider } from '../storage/store-provider';
import { SynchroHistoryModule } from '../synchro-history/synchro-history.module';
import { JobLock, PgJobLock } from './job-lock';
import { JobRegistry } from './job-registry';
import { KintoJobRunRepository } from './job-run.kinto.repository';
import { PgJobRunRepository } from './job-run.pg.repository';
import { JobRunRepository } from './job-run.repository';
import { JobRunner } from './job-runner.service';
import { JobRunsService } from './job-runs.service';
import { JobsController } from './jobs.controller';

/**
 * The job registry, the runner and the lock (one instance for the whole application: the outbox takes it too), and
 * the admin routes on job runs.
 */
@Module({
  imports: [DiscoveryModule, SynchroHistoryModule],
  controllers: [JobsController],
  providers: [
    JobRegistry,
    JobRunner,
    JobRunsService,
    storeProvider(JobRunRepository, { postgres: PgJobRunRepository, kinto: KintoJobRunRepository }),
    storeProvider(JobLock, { postgres: PgJobLock, kinto: KintoJobLock }),
  ],
  exports: [JobRegistry, JobRunner, JobRunsService, JobLock],
})
export class JobsModule {}
