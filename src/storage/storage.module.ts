import { Global, Module, Provider } from '@nestjs/common';
import { JobLock, PgJobLock } from '../jobs/job-lock';
import { JobRunRepository } from '../jobs/job-run.repository';
import { PgJobRunRepository } from '../jobs/job-run.pg.repository';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { PgSynchroHistoryRepository } from '../synchro-history/synchro-history.pg.repository';
import { ValidityCheckRepository } from '../validity-check/validity-check.repository';
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
];

const exported = [SynchroHistoryRepository, JobRunRepository, JobLock, ValidityCheckRepository];

@Global()
@Module({ providers: postgresRepositories, exports: exported })
export class StorageModule {}
