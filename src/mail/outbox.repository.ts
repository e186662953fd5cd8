import { RejectHandler } from '../database/isolate-rows';
import { OutgoingMail } from './outgoing-mail';

/** `to_send` → `sent` | `blocked`; `to_send` → `failed` once the attempts are exhausted. */
export type OutboxState = 'to_send' | 'sent' | 'blocked' | 'failed';

export interface OutboxEntry {
  id: string;
  /** What the mail is about, e.g. `alert:{ds_key}:{alert_type}`: one mail per key, ever. */
  dedupeKey: string;
  /** Which job owns the first attempt (`alert`, `monthly-report`…). */
  kind: string;
  mail: OutgoingMail;
  state: OutboxState;
  /** Failed sending attempts so far. */
  attempts: number;
  /** Earliest time of the next attempt after a failure; null before the first attempt. */
  nextAttemptAt: Date | null;
  /** Past this instant the mail is pointless: it is blocked instead of sent. */
  notAfter: Date | null;
  lastError: string | null;
  messageId: string | null;
  createdAt: Date;
  /** When it was sent, blocked or given up. */
  processedAt: Date | null;
}

export interface NewOutboxEntry {
  dedupeKey: string;
  kind: string;
  mail: OutgoingMail;
  state: 'to_send' | 'blocked';
  notAfter: Date | null;
  createdAt: Date;
}

/** Position in the delivery order (oldest first), to read due mails page after page. */
export interface OutboxCursor {
  createdAt: Date;
  id: string;
}

export interface DueQuery {
  now: Date;
  /** Only these kinds; every kind when absent. */
  kinds?: string[];
  /** Only mails already tried at least once (their first attempt belongs to the job that queued them). */
  retriesOnly: boolean;
  after: OutboxCursor | null;
  limit: number;
}

export interface FailedAttempt {
  /** The attempt count after this failure. */
  attempts: number;
  error: string;
  at: Date;
  /** Null when the attempts are exhausted: the mail becomes `failed`. */
  nextAttemptAt: Date | null;
}

/**
 * The mail outbox. Every state change is conditional on the mail still being `to_send`, so that a mail never
 * changes hands twice; each method is one atomic write.
 */
export abstract class OutboxRepository {
  /**
   * Inserts the entries whose dedupe key is unknown and leaves the others untouched; returns the keys created. With
   * `reject`, an entry the store refuses is left out and reported by dedupe key, and the others are inserted.
   */
  abstract addIfAbsent(entries: NewOutboxEntry[], reject?: RejectHandler): Promise<string[]>;
  /** `to_send` mails due at `now` (never tried, or whose retry time has come), oldest first. */
  abstract findDue(query: DueQuery): Promise<OutboxEntry[]>;
  /** Records the SMTP message id with the `sent` state, in one write. False if the mail was no longer `to_send`. */
  abstract markSent(id: string, messageId: string, at: Date): Promise<boolean>;
  abstract markBlocked(id: string, at: Date, reason: string): Promise<boolean>;
  abstract recordFailure(id: string, failure: FailedAttempt): Promise<boolean>;
  abstract findByDedupeKeys(dedupeKeys: string[]): Promise<OutboxEntry[]>;
  /** Mails waiting to be sent, of these kinds (every kind when absent). */
  abstract countToSend(kinds?: string[]): Promise<number>;
  /**
   * Empties the content of the mails finished (`sent`, `blocked`, `failed`) before `before`: recipients, subject,
   * text, html, attachments and last error. The dedupe key, kind, state and dates stay, so the mail is still never
   * queued twice. A mail waiting to be sent is never touched. Returns how many mails were emptied (those already
   * empty are not counted again).
   */
  abstract forgetContentProcessedBefore(before: Date): Promise<number>;
}
