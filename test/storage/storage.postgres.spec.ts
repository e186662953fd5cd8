import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { TestDatabase, createTestDatabase } from '../helpers/postgres';
import { alertContract } from './alert.contract';
import { jobLockContract } from './job-lock.contract';
import { jobRunContract } from './job-run.contract';
import { postgresBackend } from './postgres-backend';
import { StorageBackend } from './storage-backend';
import { monthlyReportContract } from './monthly-report.contract';
import { outboxContract } from './outbox.contract';
import { synchroHistoryContract } from './synchro-history.contract';
import { validityCheckContract } from './validity-check.contract';

describe('storage contract: PostgreSQL', () => {
  let db: TestDatabase;
  let backend: StorageBackend;

  beforeAll(async () => {
    db = await createTestDatabase('storage');
    const databases = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
    await databases.migrate();
    backend = postgresBackend('postgres', databases, true);
  });
  afterAll(async () => {
    await backend?.close();
    await db?.drop();
  });
  beforeEach(() => backend.reset());

  validityCheckContract(() => backend);
  jobRunContract(() => backend);
  synchroHistoryContract(() => backend);
  jobLockContract(() => backend);
  alertContract(() => backend);
  outboxContract(() => backend);
  monthlyReportContract(() => backend);
});
