import { Injectable } from '@nestjs/common';
import { SQL, and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { Databases } from '../database/database';
import { mailOutbox } from '../database/schema';
import {
  DueQuery,
  FailedAttempt,
  NewOutboxEntry,
  OutboxEntry,
  OutboxRepository,
  OutboxState,
} from './outbox.repository';

type Row = typeof mailOutbox.$inferSelect;

const toEntry = (row: Row): OutboxEntry => ({
  id: row.id,
  dedupeKey: row.dedupeKey,
  kind: row.kind,
  mail: {
    ...row.recipients,
    subject: row.subject,
    text: row.text,
    html: row.html,
    attachments: row.attachments,
  },
  state: row.state as OutboxState,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt,
  notAfter: row.notAfter,
  lastError: row.lastError,
  messageId: row.messageId,
  createdAt: row.createdAt,
  processedAt: row.processedAt,
});

// Far below PostgreSQL's 65,535 bind parameters per statement (10 columns per row).
const INSERT_CHUNK = 1000;
const toSend = eq(mailOutbox.state, 'to_send');

@Injectable()
export class PgOutboxRepository extends OutboxRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async addIfAbsent(entries: NewOutboxEntry[]): Promise<string[]> {
    const created: string[] = [];
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      const rows = await this.databases.main
        .insert(mailOutbox)
        .values(
          entries.slice(i, i + INSERT_CHUNK).map((e) => ({
            dedupeKey: e.dedupeKey,
            kind: e.kind,
            recipients: { to: e.mail.to, cc: e.mail.cc, bcc: e.mail.bcc },
            subject: e.mail.subject,
            text: e.mail.text,
            html: e.mail.html ?? null,
            attachments: e.mail.attachments ?? [],
            state: e.state,
            notAfter: e.notAfter,
            createdAt: e.createdAt,
            processedAt: e.state === 'blocked' ? e.createdAt : null,
          })),
        )
        .onConflictDoNothing({ target: mailOutbox.dedupeKey })
        .returning({ dedupeKey: mailOutbox.dedupeKey });
      created.push(...rows.map((r) => r.dedupeKey));
    }
    return created;
  }

  async findDue({ now, kinds, retriesOnly, after, limit }: DueQuery): Promise<OutboxEntry[]> {
    const conditions: Array<SQL | undefined> = [
      toSend,
      retriesOnly ? gt(mailOutbox.attempts, 0) : undefined,
      or(isNull(mailOutbox.nextAttemptAt), lte(mailOutbox.nextAttemptAt, now)),
      kinds ? inArray(mailOutbox.kind, kinds.length ? kinds : ['']) : undefined,
      after
        ? or(
            gt(mailOutbox.createdAt, after.createdAt),
            and(eq(mailOutbox.createdAt, after.createdAt), gt(mailOutbox.id, after.id)),
          )
        : undefined,
    ];
    const rows = await this.databases.main
      .select()
      .from(mailOutbox)
      .where(and(...conditions))
      .orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id))
      .limit(limit);
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
    const rows = await this.databases.main.select().from(mailOutbox).where(inArray(mailOutbox.dedupeKey, dedupeKeys));
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
