import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/app-config';
import { Databases, poolSettings } from '../src/database/database';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

/** The driver's own message, under Drizzle's "Failed query" wrapper. */
async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'no failure';
}

describe('PostgreSQL timeouts', () => {
  let db: TestDatabase;
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('timeouts');
    // Accepts connections and never answers: a server that hangs, or a firewall that swallows packets.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await db?.drop();
  });

  it('has the server cancel a statement past DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const databases = await Databases.open(loadConfig({ DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT_MS: '200' }));
    try {
      expect(await failure(databases.main.execute(sql`SELECT pg_sleep(5)`))).toMatch(/statement timeout/);
      // The connection stays usable for the next statement.
      await expect(databases.pingMain()).resolves.toBeUndefined();
    } finally {
      await databases.close();
    }
  });

  it('runs migrations without the statement timeout, then restores it on that connection', async () => {
    const fresh = await createTestDatabase('timeouts_migrate');
    const databases = await Databases.open(loadConfig({ DATABASE_URL: fresh.url, DATABASE_STATEMENT_TIMEOUT_MS: '1' }));
    try {
      await expect(databases.migrate()).resolves.toBeUndefined();
      expect(await failure(databases.main.execute(sql`SELECT pg_sleep(0.2)`))).toMatch(/statement timeout/);
    } finally {
      await databases.close();
      await fresh.drop();
    }
  });

  it('gives up connecting past DATABASE_CONNECT_TIMEOUT_MS instead of waiting for the system', async () => {
    const { port } = silent.address() as AddressInfo;
    const config = loadConfig({
      DATABASE_URL: `postgres://wif@127.0.0.1:${port}/wif`,
      DATABASE_CONNECT_TIMEOUT_MS: '200',
    });
    const databases = await Databases.open(config);
    try {
      expect(await failure(databases.pingMain())).toMatch(/timeout/i);
    } finally {
      await databases.close();
    }
  });

  it('checks the server certificate against DATABASE_CA_FILE unless the URL says how', () => {
    const config = loadConfig({ DATABASE_CA_FILE: __filename });
    expect(poolSettings(config, 'postgres://u@h/db').ssl).toEqual({
      ca: expect.stringContaining('PostgreSQL timeouts'),
      rejectUnauthorized: true,
    });
    expect(poolSettings(config, 'postgres://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem').ssl).toBeUndefined();
    expect(poolSettings(loadConfig({}), 'postgres://u@h/db').ssl).toBeUndefined();
  });
});
