import { AlertRepository } from '../../src/alert/alert.repository';
import { Clock } from '../../src/common/clock';
import { JobLock } from '../../src/jobs/job-lock';
import { JobRunRepository } from '../../src/jobs/job-run.repository';
import { OutboxRepository } from '../../src/mail/outbox.repository';
import { MonthlyReportRepository } from '../../src/monthly-report/monthly-report.repository';
import { SynchroHistoryRepository } from '../../src/synchro-history/synchro-history.repository';
import { ValidityCheckRepository } from '../../src/validity-check/validity-check.repository';

/** One storage implementation, as the contract suites see it. */
export interface StorageBackend {
  name: string;
  validityChecks: ValidityCheckRepository;
  jobRuns: JobRunRepository;
  synchroHistory: SynchroHistoryRepository;
  alerts: AlertRepository;
  outbox: OutboxRepository;
  monthlyReports: MonthlyReportRepository;
  /**
   * The job lock of one more application instance sharing the storage. PGlite is embedded in a single process, where
   * every lock lives in one instance: `separateInstances` says whether two calls stand for two processes.
   */
  newLock(clock: Clock): JobLock;
  separateInstances: boolean;
  /** Empties every store between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Lets a runner build its backend in `beforeAll` while the suites are declared up front. */
export type BackendRef = () => StorageBackend;
