import { Injectable } from '@nestjs/common';
import { SQL, and, eq, inArray, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { mailOutbox } from '../database/schema';
import {
  DueQuery,
  FailedAttempt,
  NewOutboxEntry,
  OutboxEntry,
  OutboxRepository,
  OutboxState,
} from './outbox.repository';
import { MailAttachmentRef } from './outgoing-mail';

/** The row as node-postgres hands it over (timestamps may come as Date or as text, jsonb parsed or not). */
interface OutboxRow {
  id: string;
  dedupe_key: string;
  kind: string;
  recipients: unknown;
  subject: string;
  text: string;
  html: string | null;
  attachments: unknown;
  state: string;
  attempts: number;
  next_attempt_at: Date | string | null;
  not_after: Date | string | null;
  last_error: string | null;
  message_id: string | null;
  created_at: Date | string;
  processed_at: Date | string | null;
}

const toDate = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

const toEntry = (row: OutboxRow): OutboxEntry => {
  const recipients = json<{ to: string[]; cc: string[]; bcc: string[] }>(row.recipients);
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    kind: row.kind,
    mail: {
      to: recipients.to,
      cc: recipients.cc,
      bcc: recipients.bcc,
      subject: row.subject,
      text: row.text,
      html: row.html,
      attachments: json<MailAttachmentRef[]>(row.attachments),
    },
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    notAfter: toDate(row.not_after),
    lastError: row.last_error,
    messageId: row.message_id,
    createdAt: toDate(row.created_at) ?? new Date(0),
    processedAt: toDate(row.processed_at),
  };
};

// Reads are plain SQL: the query builder's row mapping cost several times the query on large reads.
const SELECT = sql`SELECT id, dedupe_key, kind, recipients, subject, text, html, attachments, state, attempts,
  next_attempt_at, not_after, last_error, message_id, created_at, processed_at FROM mail_outbox`;

const toSend = eq(mailOutbox.state, 'to_send');

@Injectable()
export class PgOutboxRepository extends OutboxRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async addIfAbsent(entries: NewOutboxEntry[]): Promise<string[]> {
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
    // The rows travel as one JSON parameter: cheaper to build and send than a VALUES list of bodies.
    const rows = JSON.stringify(
      fresh.map((e) => ({
        dedupe_key: e.dedupeKey,
        kind: e.kind,
        recipients: { to: e.mail.to, cc: e.mail.cc, bcc: e.mail.bcc },
        subject: e.mail.subject,
        text: e.mail.text,
        html: e.mail.html ?? null,
        attachments: e.mail.attachments ?? [],
        state: e.state,
        not_after: e.notAfter?.toISOString() ?? null,
        created_at: e.createdAt.toISOString(),
        processed_at: e.state === 'blocked' ? e.createdAt.toISOString() : null,
      })),
    );
    // Still conditional: another run may have queued the same mail since the lookup.
    const inserted = await queryRows<{ dedupe_key: string }>(
      this.databases.main,
      sql`INSERT INTO mail_outbox (dedupe_key, kind, recipients, subject, text, html, attachments, state, not_after,
                                   created_at, processed_at)
          SELECT dedupe_key, kind, recipients, subject, text, html, attachments, state, not_after,
                 created_at, processed_at
            FROM jsonb_to_recordset(${rows}::jsonb) AS x(
                 dedupe_key varchar, kind varchar, recipients jsonb, subject varchar, text text, html text,
                 attachments jsonb, state varchar, not_after timestamptz, created_at timestamptz,
                 processed_at timestamptz)
          ON CONFLICT (dedupe_key) DO NOTHING
          RETURNING dedupe_key`,
    );
    const created = inserted.map((r) => r.dedupe_key);
    return created;
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
    const rows = await queryRows<OutboxRow>(
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
    const rows = await queryRows<OutboxRow>(
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
