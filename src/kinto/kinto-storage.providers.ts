import { Provider } from '@nestjs/common';
import { AlertRepository } from '../alert/alert.repository';
import { KintoAlertRepository } from '../alert/alert.kinto.repository';
import { JobLock } from '../jobs/job-lock';
import { JobRunRepository } from '../jobs/job-run.repository';
import { KintoJobRunRepository } from '../jobs/job-run.kinto.repository';
import { OutboxRepository } from '../mail/outbox.repository';
import { KintoOutboxRepository } from '../mail/outbox.kinto.repository';
import { MonthlyReportRepository } from '../monthly-report/monthly-report.repository';
import { KintoMonthlyReportRepository } from '../monthly-report/monthly-report.kinto.repository';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { KintoSynchroHistoryRepository } from '../synchro-history/synchro-history.kinto.repository';
import { ValidityCheckRepository } from '../validity-check/validity-check.repository';
import { KintoValidityCheckRepository } from '../validity-check/validity-check.kinto.repository';
import { KintoBootstrapService } from './kinto-bootstrap.service';
import { kintoConnectionProvider } from './kinto-client.provider';
import { KintoJobLock } from './kinto-job-lock';

/** STORE=kinto: the same abstract repositories as `postgresRepositories`, kept in the Kinto bucket. */
export const kintoRepositories: Provider[] = [
  kintoConnectionProvider,
  KintoBootstrapService,
  { provide: SynchroHistoryRepository, useClass: KintoSynchroHistoryRepository },
  { provide: JobRunRepository, useClass: KintoJobRunRepository },
  { provide: JobLock, useClass: KintoJobLock },
  { provide: ValidityCheckRepository, useClass: KintoValidityCheckRepository },
  { provide: AlertRepository, useClass: KintoAlertRepository },
  { provide: OutboxRepository, useClass: KintoOutboxRepository },
  { provide: MonthlyReportRepository, useClass: KintoMonthlyReportRepository },
];
