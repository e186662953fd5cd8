import { Injectable, Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Databases, Db, queryRows } from '../database/database';
import { dossierRecord, procedureConfig } from '../database/aggregator-schema';
import { SynchroHistoryService } from '../synchro-history/synchro-history.service';
import { DEMO_SEED, generateDossierRecords } from './demo-dataset';
import { PROCEDURE_CONFIGS } from './procedure-configs';

const INSERT_BATCH = 500;
const YIELD_EVERY = 50;
const SEEDED_MARKER = 'demo-seed';

/**
 * Writes synthetic dossiers into the aggregator tables: the embedded stand-in, or AGGREGATOR_DATABASE_URL for
 * benchmarks. The service itself never writes to the aggregator; only this demo tool does.
 */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('Demo');

  constructor(
    private readonly databases: Databases,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly history: SynchroHistoryService,
  ) {}

  /** Inserts (or refreshes, by ds_key) `count` dossiers and resets procedure_config to the real group list. */
  async seed(count: number, options: { seed?: number; onProgress?: (done: number) => void } = {}): Promise<number> {
    return this.withWritableAggregator(async (db) => {
      await db.transaction(async (tx) => {
        await tx.delete(procedureConfig);
        await tx.insert(procedureConfig).values(PROCEDURE_CONFIGS);
      });
      let batch: Array<typeof dossierRecord.$inferInsert> = [];
      let done = 0;
      const flush = async () => {
        await db
          .insert(dossierRecord)
          .values(batch)
          .onConflictDoUpdate({
            target: dossierRecord.dsKey,
            set: {
              dsData: sql.raw('excluded.ds_data'),
              metadata: sql.raw('excluded.metadata'),
              processedAt: sql.raw('excluded.processed_at'),
              lastModified: sql.raw('excluded.last_modified'),
              state: sql.raw('excluded.state'),
            },
          });
        done += batch.length;
        batch = [];
        options.onProgress?.(done);
      };
      for (const row of generateDossierRecords({ count, seed: options.seed ?? DEMO_SEED, now: this.clock.now() })) {
        batch.push({
          dsKey: row.ds_key,
          dsData: row.ds_data,
          metadata: row.metadata,
          procedureId: row.procedure_id,
          createdAt: row.created_at,
          processedAt: row.processed_at,
          lastModified: row.last_modified,
          state: row.state,
        });
        if (batch.length >= INSERT_BATCH) await flush();
        // Embedded PGlite answers within the same turn of the event loop: without a pause now and then, a signal
        // (SIGTERM during a demo's first start) would wait for the whole seeding.
        if ((done + batch.length) % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (batch.length) await flush();
      return done;
    });
  }

  /**
   * Whether the demo's first start (seeding, then the first jobs) still has to be done: only in pure embedded mode,
   * and until `firstStartDone` has been recorded, so that a first start interrupted anywhere is resumed.
   */
  async firstStartPending(): Promise<boolean> {
    if (!this.config.pureEmbedded || this.config.demoSeedDossiers === 0) return false;
    return (await this.history.lastSuccessfulStart(SEEDED_MARKER)) === null;
  }

  /**
   * Seeds the demo dossiers, loudly. Safe to run again after an interruption: rows are upserted by key, so a
   * resumed seeding completes the set rather than doubling it.
   */
  async seedDemo(): Promise<number> {
    this.logger.warn('*'.repeat(78));
    this.logger.warn(`EMBEDDED DEMO MODE: no DATABASE_URL nor AGGREGATOR_DATABASE_URL is set.`);
    this.logger.warn(`Seeding ${this.config.demoSeedDossiers} SYNTHETIC dossiers into ${this.config.pgliteDir}.`);
    this.logger.warn('These are invented data for trying the service, not real dossiers.');
    this.logger.warn('*'.repeat(78));
    return this.seed(this.config.demoSeedDossiers);
  }

  /** Recorded once the first jobs have succeeded on the seeded data: later starts skip the demo setup. */
  async firstStartDone(): Promise<void> {
    await this.history.recordSuccessfulStart(SEEDED_MARKER, this.clock.now());
  }

  private async withWritableAggregator<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const url = this.config.aggregatorDatabaseUrl;
    if (!url) return work(this.databases.main);
    const [{ exists }] = await queryRows<{ exists: boolean }>(
      this.databases.aggregator,
      sql`SELECT to_regclass('public.dossier_record') IS NOT NULL AS exists`,
    );
    if (!exists) await this.databases.migrateAggregatorStandIn(url);
    const pool = new Pool({ connectionString: url, max: 2 });
    try {
      return await work(drizzle(pool) as unknown as Db);
    } finally {
      await pool.end();
    }
  }
}
