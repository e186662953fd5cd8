import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { alertContract } from './alert.contract';
import { jobLockContract } from './job-lock.contract';
import { postgresBackend } from './postgres-backend';
import { jobRunContract } from './job-run.contract';
import { StorageBackend } from './storage-backend';
import { monthlyReportContract } from './monthly-report.contract';
import { outboxContract } from './outbox.contract';
import { synchroHistoryContract } from './synchro-history.contract';
import { validityCheckContract } from './validity-check.contract';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

describe('storage contract: embedded PGlite', () => {
  let backend: StorageBackend;

  beforeAll(async () => {
    const databases = await Databases.open(loadConfig({ DATA_DIR: '/nonexistent-test-data-dir' }), { inMemory: true });
    await databases.migrate();
    backend = postgresBackend('pglite', databases, false);
  });
  afterAll(() => backend?.close());
  beforeEach(() => backend.reset());

  validityCheckContract(() => backend);
  jobRunContract(() => backend);
  synchroHistoryContract(() => backend);
  jobLockContract(() => backend);
  alertContract(() => backend);
  outboxContract(() => backend);
  monthlyReportContract(() => backend);
});
