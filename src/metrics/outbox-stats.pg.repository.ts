import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { Databases, queryRows } from '../database/database';

export interface OutboxStats {
  byState: Record<string, number>;
  /** Creation time of the oldest mail still waiting to be sent; null when none waits. */
  oldestWaiting: Date | null;
}

/**
 * The mail outbox seen from outside, for the metrics: counts by state and the oldest waiting mail. One statement on
 * the (state, created_at) index, run at each scrape only.
 */
@Injectable()
export class OutboxStatsRepository {
  constructor(private readonly databases: Databases) {}

  async stats(): Promise<OutboxStats> {
    const rows = await queryRows<{ state: string; n: number; oldest: Date | string | null }>(
      this.databases.main,
      sql`SELECT state, count(*)::int AS n, min(created_at) AS oldest FROM mail_outbox GROUP BY state`,
    );
    const byState: Record<string, number> = { to_send: 0, sent: 0, blocked: 0, failed: 0 };
    let oldestWaiting: Date | null = null;
    for (const row of rows) {
      byState[row.state] = row.n;
      if (row.state === 'to_send' && row.oldest) oldestWaiting = new Date(row.oldest);
    }
    return { byState, oldestWaiting };
  }
}
