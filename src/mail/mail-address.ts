import addressparser from 'nodemailer/lib/addressparser';

// RFC 5322 dot-atom local part and a dotted host name: no quotes, comments, spaces or brackets, which the
// transport would rewrite (nodemailer turns `=HYPERLINK("http://x","y")@evil.example` into `=HYPERLINK@evil.example`).
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_LENGTH = 254;

/**
 * True only for an address that the SMTP transport sends to exactly as written. Applicants type their own address,
 * so anything the transport would parse differently (and so mail someone else) is refused.
 */
export function isDeliverableAddress(value: string): boolean {
  if (value.length > MAX_LENGTH || !ADDRESS.test(value)) return false;
  const parsed = addressparser(value);
  return parsed.length === 1 && 'address' in parsed[0] && parsed[0].address === value;
}
