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
/** Who took which attempt of a mail, and what it wrote (`claims` collection, id `claim-<mail id>-<attempts>`). */
interface ClaimRecord {
  mail: string;
  attempts: number;
  changes: Partial<OutboxRecord>;
  claimed_at: number;
}

export const claimId = (mailId: string, attempts: number) => kintoId('claim', mailId, attempts);

/** A claim whose mail still shows the claimed attempt this long after: its writer died in between, finish its work. */
const STALE_CLAIM_MS = 60_000;

/**
 * The outbox on Kinto. A mail's record id derives from its dedupe key and is created with `If-None-Match: *`, so a
 * mail exists once whatever the number of jobs or replicas queueing it. Every state change first creates the claim
 * of the mail's current attempt with `If-None-Match: *`: only its creator writes the change, so two replicas can
 * never both mark a mail sent. (`If-Match` would not do: Kinto checks it with a plain read before writing, and two
 * overlapping PATCHes with the same version both succeeded in every try on its PostgreSQL storage.)
 */
@Injectable()
export class KintoOutboxRepository extends OutboxRepository {
  private readonly records: KintoRecords<OutboxRecord>;
  private readonly claims: KintoRecords<ClaimRecord>;
  private known: Promise<Set<string>> | null = null;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'mail_outbox');
    this.claims = new KintoRecords(kinto, 'claims');
  }

  /** Forgets which mails are known to exist. */
  dropCache(): void {
    this.known = null;
  }

  /**
   * Creates each mail with `If-None-Match: *`, except those already known to exist: the ids of the outbox are read
   * once (a few pages), then kept up to date with every creation. A mail queued meanwhile by another instance is
   * still created once (its creation answers 412), only at the cost of one request. Without this, a steady-state
   * alert run sent every mail again to be refused, 1.3 s per batch of 25 on Kinto with PostgreSQL.
   */
  async addIfAbsent(entries: NewOutboxEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    this.known ??= this.records.all({ fields: ['state'] }).then(
      (records) => new Set(records.map((r) => r.id)),
      (error: unknown) => {
        this.known = null;
        throw error;
      },
    );
    const known = await this.known;
    const fresh = entries.filter((e) => !known.has(outboxId(e.dedupeKey)));
    const statuses = await this.records.batch(
      fresh.map((e) => ({ method: 'PUT', id: outboxId(e.dedupeKey), data: toRecord(e), ifNoneMatch: true })),
      [412],
    );
    for (const e of fresh) known.add(outboxId(e.dedupeKey));
    return fresh.filter((_, i) => statuses[i] === 201).map((e) => e.dedupeKey);
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
    return this.finish(id, at, {
      state: 'sent',
      message_id: messageId,
      processed_at: at.getTime(),
      next_attempt_at: null,
    });
  }

  markBlocked(id: string, at: Date, reason: string): Promise<boolean> {
    return this.finish(id, at, {
      state: 'blocked',
      processed_at: at.getTime(),
      last_error: reason,
      next_attempt_at: null,
    });
  }

  recordFailure(id: string, failure: FailedAttempt): Promise<boolean> {
    const exhausted = failure.nextAttemptAt === null;
    return this.finish(id, failure.at, {
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
   * Changes a mail still `to_send`: the writer is whoever creates the claim of the attempt read. The loser reports
   * false (the mail changed hands). A claim whose change never reached the mail (its writer stopped in between) is
   * completed by the next writer once it is clearly stale.
   */
  private async finish(id: string, at: Date, changes: Partial<OutboxRecord>): Promise<boolean> {
    if (!KINTO_ID.test(id) || /batch/i.test(id)) return false;
    const current = await this.records.get(id);
    if (!current || current.state !== 'to_send') return false;
    const claim = claimId(id, current.attempts);
    const won = await this.claims.create(claim, {
      mail: id,
      attempts: current.attempts,
      changes,
      claimed_at: at.getTime(),
    });
    if (won) {
      await this.records.patch(id, changes);
      return true;
    }
    const existing = await this.claims.get(claim);
    if (existing && existing.claimed_at + STALE_CLAIM_MS < at.getTime()) {
      await this.records.patch(id, existing.changes);
    }
    return false;
  }
}
