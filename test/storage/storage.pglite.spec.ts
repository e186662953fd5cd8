import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { postgresBackend } from './postgres-backend';
import { storageContracts } from './storage-contracts';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

describe('storage contract: embedded PGlite', () => {
  storageContracts(async () => {
    const databases = await Databases.open(loadConfig({ DATA_DIR: '/nonexistent-test-data-dir' }), { inMemory: true });
    await databases.migrate();
    return postgresBackend('pglite', databases, false);
  });
});
