/**
 * A mail as the jobs queue it. Attachments are references, rebuilt at send time by the resolver registered under
 * their name, so that the outbox keeps a few hundred bytes per mail instead of a workbook.
 */
export interface MailAttachmentRef {
  resolver: string;
  params: Record<string, unknown>;
}

export interface OutgoingMail {
  to: string[];
  cc: string[];
  /** Envelope only: never written in the headers, so no recipient sees it (decision contact-address-in-blind-copy). */
  bcc: string[];
  subject: string;
  text: string;
  html?: string | null;
  attachments?: MailAttachmentRef[];
}

export interface ResolvedAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content id of an image shown in the HTML part (`<img src="cid:...">`) rather than listed as a file. */
  cid?: string;
}

/** What the transport sends: the mail with its attachments built. */
export interface MailToSend extends Omit<OutgoingMail, 'attachments'> {
  attachments: ResolvedAttachment[];
}
