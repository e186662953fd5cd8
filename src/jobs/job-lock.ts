import { Injectable, Logger } from '@nestjs/common';
import { Databases } from '../database/database';

export interface LockHandle {
  release(): Promise<void>;
}

/** Guarantees that a job runs in one place at a time, across every instance sharing the storage. */
export abstract class JobLock {
  abstract tryAcquire(job: string): Promise<LockHandle | null>;
}

/**
 * PostgreSQL advisory locks, held on a dedicated session for the whole run: if the instance dies, PostgreSQL drops
 * the session and the lock with it, so a crashed holder never blocks later runs (decision
 * job-lock-held-by-a-database-session). Embedded PGlite has a single session and a single process, where the
 * in-process set is enough.
 */
@Injectable()
export class PgJobLock extends JobLock {
  private readonly held = new Set<string>();
  private readonly logger = new Logger('JobLock');

  constructor(private readonly databases: Databases) {
    super();
  }

  async tryAcquire(job: string): Promise<LockHandle | null> {
    if (this.held.has(job)) return null;
    this.held.add(job);
    const pool = this.databases.pool;
    if (!pool) return { release: () => Promise.resolve(void this.held.delete(job)) };
    let client;
    try {
      client = await pool.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtext('wif-job'), hashtext($1)) AS locked",
        [job],
      );
      if (!rows[0].locked) {
        client.release();
        this.held.delete(job);
        return null;
      }
    } catch (error) {
      client?.release();
      this.held.delete(job);
      throw error;
    }
    const session = client;
    // The session can die while checked out (server restart, network): say so rather than crash the process.
    const onError = (error: Error) => this.logger.error(`lock session of ${job} lost: ${error.message}`);
    session.on('error', onError);
    return {
      release: async () => {
        session.off('error', onError);
        try {
          await session.query("SELECT pg_advisory_unlock(hashtext('wif-job'), hashtext($1))", [job]);
          session.release();
        } catch (error) {
          // Destroying the session releases the lock server-side anyway.
          session.release(error as Error);
        } finally {
          this.held.delete(job);
        }
      },
    };
  }
}
