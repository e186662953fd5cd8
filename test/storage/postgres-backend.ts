import { sql } from 'drizzle-orm';
import { PgAlertRepository } from '../../src/alert/alert.pg.repository';
import { Databases } from '../../src/database/database';
import { PgJobLock } from '../../src/jobs/job-lock';
import { PgJobRunRepository } from '../../src/jobs/job-run.pg.repository';
import { PgOutboxRepository } from '../../src/mail/outbox.pg.repository';
import { PgMonthlyReportRepository } from '../../src/monthly-report/monthly-report.pg.repository';
import { PgSynchroHistoryRepository } from '../../src/synchro-history/synchro-history.pg.repository';
import { PgValidityCheckRepository } from '../../src/validity-check/validity-check.pg.repository';
import { StorageBackend } from './storage-backend';

/** The PostgreSQL repositories on an open, migrated database (PGlite or a server). */
export function postgresBackend(name: string, databases: Databases, separateInstances: boolean): StorageBackend {
  const lock = new PgJobLock(databases);
  return {
    name,
    validityChecks: new PgValidityCheckRepository(databases),
    jobRuns: new PgJobRunRepository(databases),
    synchroHistory: new PgSynchroHistoryRepository(databases),
    alerts: new PgAlertRepository(databases),
    outbox: new PgOutboxRepository(databases),
    monthlyReports: new PgMonthlyReportRepository(databases),
    // One process with PGlite: the single lock instance stands for every caller.
    newLock: () => (separateInstances ? new PgJobLock(databases) : lock),
    separateInstances,
    reset: async () => {
      await databases.main.execute(
        sql`TRUNCATE validity_check, alert, mail_outbox, monthly_report, synchro_history, job_run`,
      );
    },
    close: () => databases.close(),
  };
}
