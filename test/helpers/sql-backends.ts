import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { createTestDatabase } from './postgres';

export type OpenDatabases = () => Promise<{ databases: Databases; cleanup: () => Promise<void> }>;

/**
 * The two SQL engines the application runs on, for `describe.each`: a fresh PostgreSQL database of the test file's
 * own (`label`), and an in-memory PGlite. The file must hand PGlite its real module (see the specs' `jest.mock`).
 */
export function sqlBackends(label: string): Array<[string, OpenDatabases]> {
  return [
    [
      'PostgreSQL',
      async () => {
        const db = await createTestDatabase(label);
        const databases = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
        return { databases, cleanup: () => databases.close().then(() => db.drop()) };
      },
    ],
    [
      'embedded PGlite',
      async () => {
        const databases = await Databases.open(loadConfig({ DATA_DIR: '/nonexistent-test-data-dir' }), {
          inMemory: true,
        });
        return { databases, cleanup: () => databases.close() };
      },
    ],
  ];
}
