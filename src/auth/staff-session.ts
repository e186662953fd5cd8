import { StaffRole } from '../config/staff-access';

/** What the session cookie holds: who, with which role, since when; sealed, so the browser cannot change it. */
export interface StaffSession {
  email: string;
  role: StaffRole;
  /** How the user logged in: the provider (logout goes through it too) or the embedded demo. */
  via: 'oidc' | 'demo';
  /** Epoch ms of the login. */
  loggedInAt: number;
  /** Epoch ms of the last page view. */
  seenAt: number;
  /** Given back to the provider at logout (`id_token_hint`), so it can end its own session. */
  idToken?: string;
}

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** Whether a session still holds at `now`: seen recently enough, and not older than the absolute limit. */
export function isSessionAlive(session: StaffSession, now: number, limits: SessionLimits): boolean {
  return (
    now - session.seenAt <= limits.idleMs && now - session.loggedInAt <= limits.maxMs && session.seenAt <= now + 60_000
  );
}

/** The parsed value of a session cookie, or null when its shape is not a session's (an older format, say). */
export function asStaffSession(value: unknown): StaffSession | null {
  if (!value || typeof value !== 'object') return null;
  const s = value as Partial<StaffSession>;
  const role = s.role as StaffRole | undefined;
  const roleOk =
    role?.kind === 'admin' ||
    (role?.kind === 'units' && Array.isArray(role.units) && role.units.every((u) => typeof u === 'string'));
  if (typeof s.email !== 'string' || !roleOk || (s.via !== 'oidc' && s.via !== 'demo')) return null;
  if (typeof s.loggedInAt !== 'number' || typeof s.seenAt !== 'number') return null;
  return s as StaffSession;
}

/** Whether the role may see a unit (a group id; both Paris units are group 75). */
export function maySeeUnit(role: StaffRole, groupId: string): boolean {
  return role.kind === 'admin' || role.units.includes(groupId.toUpperCase());
}
