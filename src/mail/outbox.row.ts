import { mailOutbox } from '../database/schema';
import { TableRow, fromJson } from '../database/table-sql';
import { MailAttachmentRef } from './outgoing-mail';
import { NewOutboxEntry, OutboxEntry, OutboxState } from './outbox.repository';

/**
 * A mail as stored: the `mail_outbox` table's row, and on Kinto the same fields in a record (instants `I`: Dates or
 * ISO text from SQL, epoch ms on Kinto). Both stores map through the functions below.
 */
export type OutboxRow<I = Date> = TableRow<typeof mailOutbox, I>;

/** What queuing a mail writes; the other columns keep their defaults until an attempt. */
export const OUTBOX_QUEUED = [
  'dedupe_key',
  'kind',
  'recipients',
  'subject',
  'text',
  'html',
  'attachments',
  'state',
  'not_after',
  'created_at',
  'processed_at',
] as const satisfies ReadonlyArray<keyof OutboxRow>;
export type OutboxQueuedRow<I> = Pick<OutboxRow<I>, (typeof OUTBOX_QUEUED)[number]>;

export function toOutboxRow<I>(e: NewOutboxEntry, instant: (date: Date) => I): OutboxQueuedRow<I> {
  return {
    dedupe_key: e.dedupeKey,
    kind: e.kind,
    recipients: { to: e.mail.to, cc: e.mail.cc, bcc: e.mail.bcc },
    subject: e.mail.subject,
    text: e.mail.text,
    html: e.mail.html ?? null,
    attachments: e.mail.attachments ?? [],
    state: e.state,
    not_after: e.notAfter === null ? null : instant(e.notAfter),
    created_at: instant(e.createdAt),
    // A mail decided against is finished the moment it is queued.
    processed_at: e.state === 'blocked' ? instant(e.createdAt) : null,
  };
}

export function fromOutboxRow<I>(row: OutboxRow<I>, date: (instant: I) => Date): OutboxEntry {
  const recipients = fromJson<OutboxRow['recipients']>(row.recipients);
  const instant = (value: I | null) => (value === null ? null : date(value));
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
      attachments: fromJson<MailAttachmentRef[]>(row.attachments),
    },
    state: row.state as OutboxState,
    attempts: row.attempts,
    nextAttemptAt: instant(row.next_attempt_at),
    notAfter: instant(row.not_after),
    lastError: row.last_error,
    messageId: row.message_id,
    createdAt: date(row.created_at),
    processedAt: instant(row.processed_at),
  };
}

/** What a finished mail keeps of its content once its retention is over: nothing that says who or what. */
export const FORGOTTEN_CONTENT: Pick<
  OutboxRow,
  'recipients' | 'subject' | 'text' | 'html' | 'attachments' | 'last_error'
> = {
  recipients: { to: [], cc: [], bcc: [] },
  subject: '',
  text: '',
  html: null,
  attachments: [],
  last_error: null,
};

/** The states of a mail that is done with: its content may be forgotten once old enough. */
export const FINISHED_STATES: readonly OutboxState[] = ['sent', 'blocked', 'failed'];

export function isContentForgotten(row: Pick<OutboxRow<unknown>, keyof typeof FORGOTTEN_CONTENT>): boolean {
  const recipients = fromJson<OutboxRow['recipients']>(row.recipients);
  return (
    row.subject === '' &&
    row.text === '' &&
    row.html === null &&
    row.last_error === null &&
    fromJson<unknown[]>(row.attachments).length === 0 &&
    recipients.to.length + recipients.cc.length + recipients.bcc.length === 0
  );
}
