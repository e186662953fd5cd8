import { Injectable } from '@nestjs/common';
import { SQL, and, eq, inArray, lt, not, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { RejectHandler, writeIsolating } from '../database/isolate-rows';
import { mailOutbox } from '../database/schema';
import { columnList, recordsetOf, toDate } from '../database/table-sql';
import { DueQuery, FailedAttempt, NewOutboxEntry, OutboxEntry, OutboxRepository } from './outbox.repository';
import { FINISHED_STATES, FORGOTTEN_CONTENT, OUTBOX_QUEUED, OutboxRow, fromOutboxRow, toOutboxRow } from './outbox.row';

// Reads are plain SQL: the query builder's row mapping cost several times the query on large reads.
const SELECT = sql`SELECT ${columnList(mailOutbox)} FROM mail_outbox`;
const toEntry = (row: OutboxRow<Date | string>) => fromOutboxRow(row, toDate);

const toSend = eq(mailOutbox.state, 'to_send');

// A mail whose content is already forgotten: left out, so that a run counts only the mails it empties.
const forgotten = and(
  eq(mailOutbox.subject, FORGOTTEN_CONTENT.subject),
  eq(mailOutbox.text, FORGOTTEN_CONTENT.text),
  sql`${mailOutbox.html} IS NULL`,
  sql`${mailOutbox.lastError} IS NULL`,
  sql`${mailOutbox.attachments} = ${JSON.stringify(FORGOTTEN_CONTENT.attachments)}::jsonb`,
  sql`${mailOutbox.recipients} = ${JSON.stringify(FORGOTTEN_CONTENT.recipients)}::jsonb`,
)!;

@Injectable()
export class PgOutboxRepository extends OutboxRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async addIfAbsent(entries: NewOutboxEntry[], reject?: RejectHandler): Promise<string[]> {
    if (entries.length === 0) return [];
    // Reruns offer the same mails again: look the keys up first rather than ship every body to be discarded.
    const known = await queryRows<{ dedupe_key: string }>(
      this.databases.main,
      sql`SELECT dedupe_key FROM mail_outbox
           WHERE dedupe_key = ANY(${keyArray(entries.map((e) => e.dedupeKey))})`,
    );
    const skip = new Set(known.map((r) => r.dedupe_key));
    const fresh = entries.filter((e) => !skip.has(e.dedupeKey));
    if (fresh.length === 0) return [];
    // Still conditional: another run may have queued the same mail since the lookup. A mail the database refuses
    // is left out and reported to `reject`, the others are queued (see writeIsolating).
    const inserted = await writeIsolating(
      fresh,
      (part) => this.insert(part),
      (e) => e.dedupeKey,
      reject,
    );
    return inserted.flat();
  }

  private async insert(entries: NewOutboxEntry[]): Promise<string[]> {
    // The rows travel as one JSON parameter: cheaper to build and send than a VALUES list of bodies.
    const rows = JSON.stringify(entries.map((e) => toOutboxRow(e, (d) => d.toISOString())));
    const inserted = await queryRows<{ dedupe_key: string }>(
      this.databases.main,
      sql`INSERT INTO mail_outbox (${columnList(mailOutbox, OUTBOX_QUEUED)})
          SELECT ${columnList(mailOutbox, OUTBOX_QUEUED)}
            FROM jsonb_to_recordset(${rows}::jsonb) AS ${recordsetOf(mailOutbox, 'x', OUTBOX_QUEUED)}
          ON CONFLICT (dedupe_key) DO NOTHING
          RETURNING dedupe_key`,
    );
    return inserted.map((r) => r.dedupe_key);
  }

  async findDue({ now, kinds, retriesOnly, after, limit }: DueQuery): Promise<OutboxEntry[]> {
    const stamp = now.toISOString();
    const parts: SQL[] = [
      sql`state = 'to_send'`,
      sql`(next_attempt_at IS NULL OR next_attempt_at <= ${stamp}::timestamptz)`,
    ];
    if (retriesOnly) parts.push(sql`attempts > 0`);
    if (kinds) parts.push(sql`kind = ANY(${keyArray(kinds)})`);
    // A row comparison, so that the (state, created_at, id) index serves it as one range scan.
    if (after) {
      parts.push(sql`(created_at, id) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
    }
    const rows = await queryRows<OutboxRow<Date | string>>(
      this.databases.main,
      sql`${SELECT} WHERE ${sql.join(parts, sql` AND `)} ORDER BY created_at, id LIMIT ${limit}`,
    );
    return rows.map(toEntry);
  }

  async markSent(id: string, messageId: string, at: Date): Promise<boolean> {
    return this.finish(id, { state: 'sent', messageId, processedAt: at, nextAttemptAt: null });
  }

  async markBlocked(id: string, at: Date, reason: string): Promise<boolean> {
    return this.finish(id, { state: 'blocked', processedAt: at, lastError: reason, nextAttemptAt: null });
  }

  async recordFailure(id: string, failure: FailedAttempt): Promise<boolean> {
    const exhausted = failure.nextAttemptAt === null;
    return this.finish(id, {
      state: exhausted ? 'failed' : 'to_send',
      attempts: failure.attempts,
      lastError: failure.error,
      nextAttemptAt: failure.nextAttemptAt,
      processedAt: exhausted ? failure.at : null,
    });
  }

  async findByDedupeKeys(dedupeKeys: string[]): Promise<OutboxEntry[]> {
    if (dedupeKeys.length === 0) return [];
    const rows = await queryRows<OutboxRow<Date | string>>(
      this.databases.main,
      sql`${SELECT} WHERE dedupe_key = ANY(${keyArray(dedupeKeys)})`,
    );
    return rows.map(toEntry);
  }

  async countToSend(kinds?: string[]): Promise<number> {
    const [row] = await this.databases.main
      .select({ n: sql<number>`count(*)::int` })
      .from(mailOutbox)
      .where(and(toSend, kinds ? inArray(mailOutbox.kind, kinds.length ? kinds : ['']) : undefined));
    return row.n;
  }

  async forgetContentProcessedBefore(before: Date): Promise<number> {
    const { last_error: lastError, ...content } = FORGOTTEN_CONTENT;
    const rows = await this.databases.main
      .update(mailOutbox)
      .set({ ...content, lastError })
      .where(and(inArray(mailOutbox.state, [...FINISHED_STATES]), lt(mailOutbox.processedAt, before), not(forgotten)))
      .returning({ id: mailOutbox.id });
    return rows.length;
  }

  /** One conditional write: only a mail still waiting changes state. */
  private async finish(id: string, changes: Partial<typeof mailOutbox.$inferInsert>): Promise<boolean> {
    const rows = await this.databases.main
      .update(mailOutbox)
      .set(changes)
      .where(and(eq(mailOutbox.id, id), toSend))
      .returning({ id: mailOutbox.id });
    return rows.length === 1;
  }
}
