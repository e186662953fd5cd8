import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool, PoolClient, types } from 'pg';
import { AppConfig } from '../config/app-config';
import { ensurePrivateDir } from '../config/demo-admin-token';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

// int8 counts (COUNT(*)) come back as strings from node-postgres; ours all fit a JS number.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

const MIGRATIONS = join(__dirname, '..', '..', 'drizzle');
// Any constant works; it only has to be the same in every replica.
const MIGRATION_LOCK = 4_207_2020;

/** Runs a raw query and returns its rows, on PostgreSQL and PGlite alike. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const RECORD_SEPARATOR = '\x1e';

/**
 * Keys as one text parameter that PostgreSQL folds into a constant array, for `column = ANY(${keyArray(keys)})`: a
 * hashed filter or an index scan, whatever the table statistics say. A join on the rows of a JSON parameter is not
 * safe: with stale statistics (a table just truncated or just filled) the planner may pick a nested loop that reads
 * the whole list again for every row; measured at 0.95 s for one batch of 2,000 dossiers.
 */
export function keyArray(keys: readonly string[]): SQL {
  if (keys.some((k) => k.includes(RECORD_SEPARATOR))) throw new Error('a key holds a record separator');
  return sql`string_to_array(${keys.join(RECORD_SEPARATOR)}::text, chr(30))`;
}

/**
 * The pool reports errors of idle connections and a query reports its own, but an error on a connection checked out
 * between two queries, or one being closed at shutdown (the server stopping, a database dropped), is emitted on the
 * connection alone, and an EventEmitter error without a listener ends the process.
 */
function keepErrorsFromCrashing(client: PoolClient): void {
  client.on('error', () => undefined);
}

/**
 * The back office's database (PostgreSQL when DATABASE_URL is set, else embedded PGlite under DATA_DIR) and the
 * aggregator's (AGGREGATOR_DATABASE_URL, else the same database, holding stand-in aggregator tables).
 */
export class Databases {
  private readonly logger = new Logger('Database');

  private constructor(
    readonly main: Db,
    readonly aggregator: Db,
    readonly pool: Pool | null,
    private readonly aggregatorPool: Pool | null,
    private readonly pglite: PGlite | null,
  ) {}

  static async open(config: AppConfig, options: { inMemory?: boolean } = {}): Promise<Databases> {
    let main: Db;
    let pool: Pool | null = null;
    let pglite: PGlite | null = null;
    if (config.databaseUrl) {
      // Each running job holds one session for its lock: room for all of them and for the queries besides.
      pool = new Pool({ connectionString: config.databaseUrl, max: 20 });
      // An idle connection dropped by the server must not crash the process; the pool replaces it.
      pool.on('error', (error) => new Logger('Database').warn(`idle connection lost: ${error.message}`));
      pool.on('connect', keepErrorsFromCrashing);
      main = drizzlePg(pool, { schema }) as unknown as Db;
    } else {
      if (!options.inMemory) {
        ensurePrivateDir(config.dataDir);
        ensurePrivateDir(config.pgliteDir);
      }
      pglite = await PGlite.create(options.inMemory ? undefined : config.pgliteDir);
      main = drizzlePglite(pglite, { schema }) as unknown as Db;
    }
    let aggregator = main;
    let aggregatorPool: Pool | null = null;
    if (config.aggregatorDatabaseUrl) {
      // The aggregator belongs to another service: every session is read only, so we never write to it by mistake.
      aggregatorPool = new Pool({
        connectionString: config.aggregatorDatabaseUrl,
        max: 5,
        options: '-c default_transaction_read_only=on',
      });
      aggregatorPool.on('error', (error) => new Logger('Aggregator').warn(`idle connection lost: ${error.message}`));
      aggregatorPool.on('connect', keepErrorsFromCrashing);
      aggregator = drizzlePg(aggregatorPool) as unknown as Db;
    }
    return new Databases(main, aggregator, pool, aggregatorPool, pglite);
  }

  get kind(): 'postgres' | 'pglite' {
    return this.pglite ? 'pglite' : 'postgres';
  }

  /** True when the aggregator tables live in our own database (demo and test mode). */
  get aggregatorIsLocal(): boolean {
    return this.aggregatorPool === null;
  }

  /** Applies pending migrations; several replicas starting together wait for one another. */
  async migrate(): Promise<void> {
    const folders = [{ folder: join(MIGRATIONS, 'main'), table: '__drizzle_migrations' }];
    if (this.aggregatorIsLocal) {
      folders.push({ folder: join(MIGRATIONS, 'aggregator'), table: '__drizzle_migrations_aggregator' });
    }
    if (this.pglite) {
      for (const { folder, table } of folders) {
        await migratePglite(this.main as never, { migrationsFolder: folder, migrationsTable: table });
      }
      return;
    }
    const client = await this.pool!.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      for (const { folder, table } of folders) {
        await migratePg(this.main as never, { migrationsFolder: folder, migrationsTable: table });
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
    this.logger.log('Migrations applied');
  }

  /** Creates the aggregator tables in the aggregator database itself (demo data and benchmarks only). */
  async migrateAggregatorStandIn(url: string): Promise<void> {
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      await migratePg(drizzlePg(pool) as never, {
        migrationsFolder: join(MIGRATIONS, 'aggregator'),
        migrationsTable: '__drizzle_migrations_aggregator',
      });
    } finally {
      await pool.end();
    }
  }

  async pingMain(): Promise<void> {
    await this.main.execute(sql`SELECT 1`);
  }

  async pingAggregator(): Promise<void> {
    await this.aggregator.execute(sql`SELECT 1`);
  }

  async close(): Promise<void> {
    await this.aggregatorPool?.end();
    await this.pool?.end();
    await this.pglite?.close();
  }
}
