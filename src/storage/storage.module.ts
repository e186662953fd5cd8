import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AlertRepository } from '../alert/alert.repository';
import { PgAlertRepository } from '../alert/alert.pg.repository';
import { JobLock, PgJobLock } from '../jobs/job-lock';
import { JobRunRepository } from '../jobs/job-run.repository';
import { OutboxRepository } from '../mail/outbox.repository';
import { MonthlyReportRepository } from '../monthly-report/monthly-report.repository';
import { PgMonthlyReportRepository } from '../monthly-report/monthly-report.pg.repository';
import { PgOutboxRepository } from '../mail/outbox.pg.repository';
import { PgJobRunRepository } from '../jobs/job-run.pg.repository';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { PgSynchroHistoryRepository } from '../synchro-history/synchro-history.pg.repository';
import { ValidityCheckRepository } from '../validity-check/validity-check.repository';
import { AppConfig } from '../config/app-config';
import { kintoRepositories } from '../kinto/kinto-storage.providers';
import { PgValidityCheckRepository } from '../validity-check/validity-check.pg.repository';

/**
 * Where the back office keeps its own results. Services depend on the abstract repositories only; this module picks
 * the implementation for the configured STORE.
 */
const postgresRepositories: Provider[] = [
  { provide: SynchroHistoryRepository, useClass: PgSynchroHistoryRepository },
  { provide: JobRunRepository, useClass: PgJobRunRepository },
  { provide: JobLock, useClass: PgJobLock },
  { provide: ValidityCheckRepository, useClass: PgValidityCheckRepository },
  { provide: AlertRepository, useClass: PgAlertRepository },
  { provide: OutboxRepository, useClass: PgOutboxRepository },
  { provide: MonthlyReportRepository, useClass: PgMonthlyReportRepository },
];

const exported = [
  SynchroHistoryRepository,
  JobRunRepository,
  JobLock,
  ValidityCheckRepository,
  AlertRepository,
  OutboxRepository,
  MonthlyReportRepository,
];

@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: config.store === 'kinto' ? kintoRepositories : postgresRepositories,
      exports: exported,
    };
  }
}
