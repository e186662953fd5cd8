import { loadConfig } from '../config/app-config';
import { CookieSealer } from './sealed-cookie';
import { StaffCookies, sameToken, SessionCookie } from './staff-auth';
import { isSessionAlive, maySeeUnit } from './staff-session';

const SECRET = 'a-test-session-secret-of-at-least-32-chars';
const config = loadConfig({ SESSION_SECRET: SECRET, SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '10' });
const T0 = Date.UTC(2026, 0, 5, 8, 0);
const session: SessionCookie = {
  email: 'alice@dreets.gouv.fr',
  role: { kind: 'units', units: ['75'] },
  via: 'oidc',
  loggedInAt: T0,
  seenAt: T0,
  csrf: 'token',
};

describe('sealed cookies', () => {
  it('open what they sealed, and nothing altered, truncated or sealed for another purpose or key', () => {
    const sealer = new CookieSealer(SECRET, 'session');
    const sealed = sealer.seal({ a: 1 });
    expect(sealer.open(sealed)).toEqual({ a: 1 });
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[flipped.length - 1] ^= 1;
    expect(sealer.open(flipped.toString('base64url'))).toBeNull();
    expect(sealer.open(sealed.slice(0, 20))).toBeNull();
    expect(new CookieSealer(SECRET, 'login').open(sealed)).toBeNull();
    expect(new CookieSealer(`${SECRET}x`, 'session').open(sealed)).toBeNull();
    expect(sealer.open('not base64 at all!')).toBeNull();
  });

  it('end a session after the idle limit and after the absolute limit', () => {
    const cookies = new StaffCookies(config);
    const sealed = cookies.sealSession(session);
    expect(cookies.openSession(sealed, T0 + 29 * 60_000)).toMatchObject({ email: session.email });
    expect(cookies.openSession(sealed, T0 + 31 * 60_000)).toBeNull();
    const limits = config.session;
    expect(isSessionAlive({ ...session, seenAt: T0 + 9.9 * 3_600_000 }, T0 + 10 * 3_600_000, limits)).toBe(true);
    expect(isSessionAlive({ ...session, seenAt: T0 + 10 * 3_600_000 }, T0 + 10 * 3_600_000 + 1, limits)).toBe(false);
  });

  it('refuse a pending login older than ten minutes', () => {
    const cookies = new StaffCookies(config);
    const sealed = cookies.sealLogin({ state: 's', nonce: 'n', codeVerifier: 'v', startedAt: T0 });
    expect(cookies.openLogin(sealed, T0 + 9 * 60_000)).toEqual({ state: 's', nonce: 'n', codeVerifier: 'v' });
    expect(cookies.openLogin(sealed, T0 + 11 * 60_000)).toBeNull();
  });

  it('compare CSRF tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken(['abc'], 'abc')).toBe(false);
    expect(sameToken('abc', undefined)).toBe(false);
  });

  it('let a unit role see its group ids only, whatever the case', () => {
    expect(maySeeUnit({ kind: 'units', units: ['2A'] }, '2a')).toBe(true);
    expect(maySeeUnit({ kind: 'units', units: ['75'] }, '13')).toBe(false);
    expect(maySeeUnit({ kind: 'admin' }, '13')).toBe(true);
  });
});

describe('dashboard settings', () => {
  it('allow the demo login only on the pure embedded demo without a provider', () => {
    expect(loadConfig({}).demoLogin).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).demoLogin).toBe(false);
    const oidc = {
      OIDC_ISSUER_URL: 'https://auth.example.gouv.fr/api/v2',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://wif.example.gouv.fr/',
      SESSION_SECRET: SECRET,
    };
    const configured = loadConfig(oidc);
    expect(configured.demoLogin).toBe(false);
    expect(configured.publicUrl).toBe('https://wif.example.gouv.fr');
  });

  it('require the client, the public address and the secret with a provider, and a valid STAFF_ACCESS', () => {
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'https://auth.example.gouv.fr' })).toThrow(
      /OIDC_CLIENT_ID: required[\s\S]*OIDC_CLIENT_SECRET: required[\s\S]*PUBLIC_URL: required[\s\S]*SESSION_SECRET: required/,
    );
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET must be at least 32/);
    expect(() => loadConfig({ STAFF_ACCESS: 'alice@x.fr: 75 ; bob' })).toThrow(/STAFF_ACCESS: entry 2/);
    expect(() => loadConfig({ STAFF_ACCESS_FILE: '/nonexistent/staff-access' })).toThrow(/cannot read/);
  });
});
