import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { publicCounter } from '../database/schema';
import { CounterDelta, CounterState, SharedCounterRepository } from './shared-counter.repository';

@Injectable()
export class PgSharedCounterRepository extends SharedCounterRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async add(deltas: CounterDelta[], now: Date): Promise<CounterState[]> {
    if (!deltas.length) return [];
    const rows = deltas.map((d) => ({
      key: d.key,
      count: d.hits,
      expires_at: new Date(now.getTime() + d.windowMs).toISOString(),
    }));
    // A counter whose window has ended starts again from this batch's hits, with a new window.
    const result = await queryRows<{ key: string; count: number; expires_at: string | Date }>(
      this.databases.main,
      sql`INSERT INTO ${publicCounter} AS c (key, count, expires_at)
          SELECT key, count, expires_at FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS r(key text, count integer, expires_at timestamptz)
          ON CONFLICT (key) DO UPDATE SET
            count = CASE WHEN c.expires_at <= ${now.toISOString()}::timestamptz THEN excluded.count
                         ELSE c.count + excluded.count END,
            expires_at = CASE WHEN c.expires_at <= ${now.toISOString()}::timestamptz THEN excluded.expires_at
                              ELSE c.expires_at END
          RETURNING key, count, expires_at`,
    );
    return result.map((r) => ({ key: r.key, count: Number(r.count), expiresAt: new Date(r.expires_at) }));
  }

  async read(keys: string[]): Promise<CounterState[]> {
    if (!keys.length) return [];
    const result = await queryRows<{ key: string; count: number; expires_at: string | Date }>(
      this.databases.main,
      sql`SELECT key, count, expires_at FROM ${publicCounter} WHERE key = ANY(${keyArray(keys)})`,
    );
    return result.map((r) => ({ key: r.key, count: Number(r.count), expiresAt: new Date(r.expires_at) }));
  }

  async deleteExpired(before: Date): Promise<number> {
    const result = await queryRows<{ key: string }>(
      this.databases.main,
      sql`DELETE FROM ${publicCounter} WHERE expires_at < ${before.toISOString()}::timestamptz RETURNING key`,
    );
    return result.length;
  }
}
