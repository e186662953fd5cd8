import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { CookieSealer } from './sealed-cookie';
import { PendingLogin } from './oidc-login';
import { asStaffSession, isSessionAlive, StaffSession } from './staff-session';

/** A session and the token every state-changing form of that session carries. */
export interface SessionCookie extends StaffSession {
  csrf: string;
}

export interface CookieSettings {
  secure: boolean;
  /** `__Host-` names cannot be set by a sibling subdomain nor widened to other paths; they need Secure. */
  sessionName: string;
  loginName: string;
  csrfName: string;
}

export function cookieSettings(config: AppConfig): CookieSettings {
  const secure = config.publicUrl?.startsWith('https://') ?? false;
  const prefix = secure ? '__Host-' : '';
  return {
    secure,
    sessionName: `${prefix}wif_session`,
    loginName: `${prefix}wif_login`,
    csrfName: `${prefix}wif_csrf`,
  };
}

export const newToken = () => randomBytes(24).toString('base64url');

/** Constant-time comparison of a form's token with the expected one. */
export function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Seals and opens the dashboard's cookies: the session (who, role, CSRF token, times), the pending login (state,
 * nonce, PKCE verifier) and the pre-login CSRF token. Without SESSION_SECRET (only allowed in the embedded demo) a
 * random key is drawn at start: demo sessions end with the process.
 */
export class StaffCookies {
  private readonly session: CookieSealer;
  private readonly login: CookieSealer;
  private readonly csrf: CookieSealer;

  constructor(private readonly config: AppConfig) {
    const secret = config.session.secret ?? randomBytes(32).toString('base64url');
    this.session = new CookieSealer(secret, 'session');
    this.login = new CookieSealer(secret, 'login');
    this.csrf = new CookieSealer(secret, 'csrf');
  }

  sealSession(session: SessionCookie): string {
    return this.session.seal(session);
  }

  /** The session if the cookie is ours, well formed and alive at `now`; else null. */
  openSession(value: string | undefined, now: number): SessionCookie | null {
    const opened = this.session.open(value) as { csrf?: unknown } | null;
    const session = asStaffSession(opened);
    if (!session || typeof opened?.csrf !== 'string') return null;
    return isSessionAlive(session, now, this.config.session) ? (session as SessionCookie) : null;
  }

  sealLogin(pending: PendingLogin & { startedAt: number }): string {
    return this.login.seal(pending);
  }

  /** A pending login no older than 10 minutes. */
  openLogin(value: string | undefined, now: number): PendingLogin | null {
    const opened = this.login.open(value) as Partial<PendingLogin & { startedAt: number }> | null;
    if (!opened || typeof opened.state !== 'string' || typeof opened.nonce !== 'string') return null;
    if (typeof opened.codeVerifier !== 'string' || typeof opened.startedAt !== 'number') return null;
    if (now - opened.startedAt > 10 * 60_000 || opened.startedAt > now + 60_000) return null;
    return { state: opened.state, nonce: opened.nonce, codeVerifier: opened.codeVerifier };
  }

  sealCsrf(token: string): string {
    return this.csrf.seal({ token });
  }

  openCsrf(value: string | undefined): string | null {
    const opened = this.csrf.open(value) as { token?: unknown } | null;
    return typeof opened?.token === 'string' ? opened.token : null;
  }
}
