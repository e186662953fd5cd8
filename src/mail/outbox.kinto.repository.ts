import { Injectable } from '@nestjs/common';
import { KINTO_ID, KintoConnection } from '../kinto/kinto-client.provider';
import { KintoFilters, KintoRecords, Stored, kintoId } from '../kinto/kinto-records';
import {
  FINISHED_STATES,
  FORGOTTEN_CONTENT,
  OutboxRow,
  fromOutboxRow,
  isContentForgotten,
  toOutboxRow,
} from './outbox.row';
import { DueQuery, FailedAttempt, NewOutboxEntry, OutboxEntry, OutboxRepository } from './outbox.repository';

/**
 * A record of `mail_outbox`: the table's row (instants as epoch ms so that the server filters and sorts on them), its
 * id being Kinto's.
 */
type OutboxRecord = Omit<OutboxRow<number>, 'id'> & {
  /**
   * When the mail may be tried: `next_attempt_at`, or 0 before the first attempt. Kinto filters cannot say "null or
   * before now"; `max_due_at` can.
   */
  due_at: number;
};

export const outboxId = (dedupeKey: string) => kintoId('mail', dedupeKey);

const ms = (date: Date | null) => (date ? date.getTime() : null);

const toEntry = (r: Stored<OutboxRecord>): OutboxEntry => fromOutboxRow(r, (value) => new Date(value));

const toRecord = (e: NewOutboxEntry): OutboxRecord => ({
  ...toOutboxRow(e, (d) => d.getTime()),
  attempts: 0,
  next_attempt_at: null,
  due_at: 0,
  last_error: null,
  message_id: null,
});

// Ids per `in_id` read, to keep URLs short.
const IDS_PER_READ = 50;
// A state change lost to a concurrent write of the same mail is retried this many times on the fresh version.
const MAX_CONFLICTS = 5;

/**
 * The outbox on Kinto. A mail's record id derives from its dedupe key and is created with `If-None-Match: *`, so a
 * mail exists once whatever the number of jobs or replicas queueing it; every state change is a PATCH with
 * `If-Match` on the version read while it was still `to_send`, so two replicas can never both mark it sent.
 */
@Injectable()
export class KintoOutboxRepository extends OutboxRepository {
  private readonly records: KintoRecords<OutboxRecord>;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'mail_outbox');
  }

  async addIfAbsent(entries: NewOutboxEntry[]): Promise<string[]> {
    const statuses = await this.records.batch(
      entries.map((e) => ({ method: 'PUT', id: outboxId(e.dedupeKey), data: toRecord(e), ifNoneMatch: true })),
      [412],
    );
    return entries.filter((_, i) => statuses[i] === 201).map((e) => e.dedupeKey);
  }

  /**
   * Oldest first by (created_at, id). The cursor's "later than (createdAt, id)" is an OR, which Kinto filters cannot
   * express: it is read as two ranges, the rest of the cursor's millisecond (by id) and then the later ones.
   */
  async findDue({ now, kinds, retriesOnly, after, limit }: DueQuery): Promise<OutboxEntry[]> {
    if (kinds && kinds.length === 0) return [];
    const filters: KintoFilters = { state: 'to_send', max_due_at: now.getTime() };
    if (retriesOnly) filters.gt_attempts = 0;
    if (kinds) filters.in_kind = kinds;
    const found: Array<Stored<OutboxRecord>> = [];
    if (after) {
      const sameInstant = await this.records.first(limit, {
        filters: { ...filters, created_at: after.createdAt.getTime(), gt_id: after.id },
        sort: ['id'],
      });
      found.push(...sameInstant);
    }
    if (found.length < limit) {
      const later = await this.records.first(limit - found.length, {
        filters: after ? { ...filters, gt_created_at: after.createdAt.getTime() } : filters,
        sort: ['created_at', 'id'],
      });
      found.push(...later);
    }
    return found.map(toEntry);
  }

  markSent(id: string, messageId: string, at: Date): Promise<boolean> {
    return this.finish(id, { state: 'sent', message_id: messageId, processed_at: at.getTime(), next_attempt_at: null });
  }

  markBlocked(id: string, at: Date, reason: string): Promise<boolean> {
    return this.finish(id, { state: 'blocked', processed_at: at.getTime(), last_error: reason, next_attempt_at: null });
  }

  recordFailure(id: string, failure: FailedAttempt): Promise<boolean> {
    const exhausted = failure.nextAttemptAt === null;
    return this.finish(id, {
      state: exhausted ? 'failed' : 'to_send',
      attempts: failure.attempts,
      last_error: failure.error,
      next_attempt_at: ms(failure.nextAttemptAt),
      due_at: failure.nextAttemptAt?.getTime() ?? 0,
      processed_at: exhausted ? failure.at.getTime() : null,
    });
  }

  async findByDedupeKeys(dedupeKeys: string[]): Promise<OutboxEntry[]> {
    const ids = [...new Set(dedupeKeys.map(outboxId))];
    const found: OutboxEntry[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_READ) {
      const records = await this.records.all({ filters: { in_id: ids.slice(i, i + IDS_PER_READ) } });
      found.push(...records.map(toEntry));
    }
    return found;
  }

  countToSend(kinds?: string[]): Promise<number> {
    if (kinds && kinds.length === 0) return Promise.resolve(0);
    return this.records.count(kinds ? { state: 'to_send', in_kind: kinds } : { state: 'to_send' });
  }

  /**
   * Lists the finished mails processed before `before` (their content fields only, to skip those already emptied),
   * then empties each with `If-Match` on the version read. A finished mail never changes state again, so a 412 or
   * 404 only means another instance emptied or removed it meanwhile.
   */
  async forgetContentProcessedBefore(before: Date): Promise<number> {
    const finished = await this.records.all({
      filters: { in_state: FINISHED_STATES, lt_processed_at: before.getTime() },
      fields: Object.keys(FORGOTTEN_CONTENT),
    });
    const statuses = await this.records.batch(
      finished
        .filter((r) => !isContentForgotten(r))
        .map((r) => ({ method: 'PATCH', id: r.id, data: FORGOTTEN_CONTENT, ifMatch: r.last_modified })),
      [404, 412],
    );
    return statuses.filter((s) => s === 200).length;
  }

  /**
   * Changes a mail still `to_send`, conditional on the version read. A 412 means another write came first: if the
   * mail is still waiting (e.g. a failure recorded by another replica) the change is retried on the new version,
   * otherwise it has changed hands and we report false.
   */
  private async finish(id: string, changes: Partial<OutboxRecord>): Promise<boolean> {
    if (!KINTO_ID.test(id) || /batch/i.test(id)) return false;
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const current = await this.records.get(id);
      if (!current || current.state !== 'to_send') return false;
      if (await this.records.patch(id, changes, current.last_modified)) return true;
    }
    throw new Error(`mail ${id}: still contended after ${MAX_CONFLICTS} attempts`);
  }
}
