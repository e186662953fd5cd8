/**
 * Who may use the staff dashboard, and on which units. Written as `STAFF_ACCESS` (entries separated by `;` or new
 * lines) or in the file `STAFF_ACCESS_FILE`, one entry per line:
 *
 *   alice.martin@dreets.gouv.fr: 75, 92     an address, its units (group ids, both Paris units for 75)
 *   dreets-idf.gouv.fr: 75, 77, 78           every address of a domain (an address entry wins over its domain)
 *   bob@travail.gouv.fr: admin               national staff: every unit, and the jobs
 *
 * Lines starting with `#` are comments. Addresses and domains are compared case-insensitively.
 */
export type StaffRole = { kind: 'admin' } | { kind: 'units'; units: string[] };

export interface StaffAccess {
  /** By lower-case address. */
  byEmail: ReadonlyMap<string, StaffRole>;
  /** By lower-case domain. */
  byDomain: ReadonlyMap<string, StaffRole>;
}

export const EMPTY_STAFF_ACCESS: StaffAccess = { byEmail: new Map(), byDomain: new Map() };

const UNIT = /^[0-9A-Za-z]{1,8}$/;
const EMAIL = /^[^\s@:;,]+@[^\s@:;,]+\.[^\s@:;,]+$/;
const DOMAIN = /^@?([a-z0-9-]+\.)+[a-z]{2,}$/i;

export interface ParsedStaffAccess {
  access: StaffAccess;
  /** One line per faulty entry, naming the entry's position (never its address, which is personal data). */
  problems: string[];
}

export function parseStaffAccess(text: string): ParsedStaffAccess {
  const byEmail = new Map<string, StaffRole>();
  const byDomain = new Map<string, StaffRole>();
  const problems: string[] = [];
  const entries = text
    .split(/[;\n]/)
    .map((e) => e.trim())
    .filter((e) => e && !e.startsWith('#'));
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) {
      problems.push(`${where}: expected "address-or-domain: unit, unit" or "address-or-domain: admin"`);
      return;
    }
    const who = entry.slice(0, colon).trim().toLowerCase();
    const what = entry
      .slice(colon + 1)
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    let role: StaffRole;
    if (what.length === 1 && what[0].toLowerCase() === 'admin') {
      role = { kind: 'admin' };
    } else if (what.length > 0 && what.every((u) => UNIT.test(u) && u.toLowerCase() !== 'admin')) {
      role = { kind: 'units', units: [...new Set(what.map((u) => u.toUpperCase()))] };
    } else {
      problems.push(`${where}: units must be group ids such as 75 or 2A, comma separated, or the word admin`);
      return;
    }
    if (EMAIL.test(who)) {
      byEmail.set(who, role);
    } else if (DOMAIN.test(who)) {
      byDomain.set(who.replace(/^@/, ''), role);
    } else {
      problems.push(`${where}: "${who.includes('@') ? 'the address' : 'the domain'}" is not valid`);
    }
  });
  return { access: { byEmail, byDomain }, problems };
}

/**
 * The role of an address: its own entry, else the entry of its domain or of the closest parent domain; null when
 * it has none (refused). Group ids are upper-cased on both sides (`2a` and `2A` are the same unit).
 */
export function roleOf(access: StaffAccess, email: string): StaffRole | null {
  const address = email.trim().toLowerCase();
  if (!EMAIL.test(address)) return null;
  const own = access.byEmail.get(address);
  if (own) return own;
  let domain = address.slice(address.lastIndexOf('@') + 1);
  while (domain.includes('.')) {
    const role = access.byDomain.get(domain);
    if (role) return role;
    domain = domain.slice(domain.indexOf('.') + 1);
  }
  return null;
}
