import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it: envelope, headers, and the text, HTML and attachments it holds. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** Top-level header names in lower case, values unfolded and decoded. */
  headers: Record<string, string>;
  subject: string;
  /** The text/plain body (part), decoded, with LF line ends; empty when a multipart message has none. */
  text: string;
  /** The text/html part, decoded; null when there is none. */
  html: string | null;
  /** Files, and images shown in the HTML (with their `contentId`, without angle brackets). */
  attachments: Array<{ filename: string; contentType: string; content: Buffer; contentId?: string; inline?: boolean }>;
  raw: string;
}

export interface SmtpServerOptions {
  /**
   * Accept multipart messages (text, HTML, attachments). By default every message must be a single text/plain part,
   * and any other message fails the test.
   */
  multipart?: boolean;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** The next `n` messages are refused with a temporary error (451) after their data was sent. */
  refuseNext(n: number): void;
  /** Messages refused since the last `clear`. */
  refused(): number;
  /** Forgets the messages received and refused, and refuses nothing more. */
  clear(): void;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (no TLS, no auth), recording every message it accepts. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let toRefuse = 0;
  let refused = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (toRefuse > 0) {
          toRefuse -= 1;
          refused += 1;
          callback(Object.assign(new Error('Service temporairement indisponible'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('latin1');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        received.push(toMail(raw, { from, to }, options.multipart ?? false));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    refuseNext: (n) => void (toRefuse = n),
    refused: () => refused,
    clear: () => {
      received.splice(0);
      toRefuse = 0;
      refused = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Part {
  headers: Record<string, string>;
  /** Raw (latin1) body, still transfer-encoded. */
  body: string;
  children: Part[];
}

function parsePart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (!/^multipart\//i.test(headers['content-type'] ?? '') || !boundary) return { headers, body, children: [] };
  const children = body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => parsePart(chunk.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  return { headers, body: '', children };
}

function leaves(part: Part): Part[] {
  return part.children.length === 0 ? [part] : part.children.flatMap(leaves);
}

function decode(part: Part): Buffer {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  return Buffer.from(part.body, 'latin1');
}

function toMail(raw: string, envelope: ReceivedMail['envelope'], multipart: boolean): ReceivedMail {
  const root = parsePart(raw);
  if (!multipart && !/^text\/plain/i.test(root.headers['content-type'] ?? '')) {
    throw new Error(`expected a single text/plain part, got ${root.headers['content-type']}`);
  }
  const mail: ReceivedMail = {
    envelope,
    headers: root.headers,
    subject: root.headers.subject ?? '',
    text: '',
    html: null,
    attachments: [],
    raw,
  };
  for (const part of leaves(root)) {
    const contentType = (part.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
    const disposition = part.headers['content-disposition'] ?? '';
    const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
    if (/^(attachment|inline)/i.test(disposition) || filename) {
      const contentId = /^<?([^>]+)>?$/.exec(part.headers['content-id'] ?? '')?.[1];
      mail.attachments.push({
        filename: filename ?? '',
        contentType,
        content: decode(part),
        ...(contentId ? { contentId, inline: /^inline/i.test(disposition) } : {}),
      });
    } else if (contentType === 'text/html') {
      mail.html = decode(part).toString('utf8');
    } else if (contentType === 'text/plain') {
      mail.text = decode(part).toString('utf8').replace(/\r\n/g, '\n');
    }
  }
  return mail;
}

function decodeQuotedPrintable(value: string): Buffer {
  const withoutSoftBreaks = value.replace(/=\r?\n/g, '');
  return Buffer.from(
    withoutSoftBreaks.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`); whitespace between two of them is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')).toString('utf8'),
    );
}
