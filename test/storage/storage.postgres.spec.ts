import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { TestDatabase, createTestDatabase } from '../helpers/postgres';
import { postgresBackend } from './postgres-backend';
import { storageContracts } from './storage-contracts';

describe('storage contract: PostgreSQL', () => {
  let db: TestDatabase | undefined;

  storageContracts(
    async () => {
      db = await createTestDatabase('storage');
      const databases = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
      await databases.migrate();
      return postgresBackend('postgres', databases, true);
    },
    { cleanup: async () => db?.drop() },
  );
});
