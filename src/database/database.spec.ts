import { Client } from 'pg';
import { loadConfig } from '../config/app-config';
import { createTestDatabase, TestDatabase } from '../../test/helpers/postgres';
import { Databases } from './database';

describe('Databases on PostgreSQL', () => {
  let db: TestDatabase;
  let databases: Databases;

  beforeAll(async () => {
    db = await createTestDatabase('databases');
    databases = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
  });
  afterAll(async () => {
    await databases?.close();
    await db?.drop();
  });

  it('survives a checked-out connection killed by the server between two queries', async () => {
    const client = await databases.pool!.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => client.once('end', resolve));
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
    // Without a listener of our own, the connection's error event would have ended the process here.
    await ended;
    client.release(new Error('terminated'));
    // The pool goes on with a new connection.
    expect(await databases.pool!.query('SELECT 1 AS one')).toMatchObject({ rows: [{ one: 1 }] });
  });
});
