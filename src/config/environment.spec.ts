import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigError, knownVariables, validateEnvironment } from './environment';

/** The problems `env` raises, one line each; [] when it is valid. */
function problems(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
const named = (env: Record<string, string>) => problems(env).map((p) => p.split(':')[0]);

describe('configuration rules', () => {
  it('names a bad number once, with the first rule it breaks', () => {
    const found = problems({ API_PORT: 'abc' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^API_PORT: .*integer.*\(got "abc"\)$/);
    expect(problems({ API_PORT: '70000' })).toEqual([expect.stringMatching(/^API_PORT: .*65535/)]);
  });

  it('gives one line per faulty variable, never a multi-line message for one variable', () => {
    const found = problems({ API_PORT: '-5', MAIL_PORT: 'x', PUBLIC_RATE_LIMIT: '-1', LOG_FORMAT: 'xml' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'API_PORT',
      'LOG_FORMAT',
      'MAIL_PORT',
      'PUBLIC_RATE_LIMIT',
    ]);
    for (const line of found) expect(line).not.toContain('\n');
  });

  it('accepts the common log level names and maps the old ones', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'INFO']) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level.toLowerCase());
    }
    expect(loadConfig({ LOG_LEVEL: 'log' }).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'verbose' }).logLevel).toBe('trace');
    expect(loadConfig({}).logLevel).toBe('info');
    expect(named({ LOG_LEVEL: 'loud' })).toEqual(['LOG_LEVEL']);
  });

  it('needs KINTO_URL and KINTO_AUTH with STORE=kinto, each named once', () => {
    expect(named({ STORE: 'kinto' }).sort()).toEqual(['KINTO_AUTH', 'KINTO_URL']);
    expect(named({ STORE: 'kinto', KINTO_URL: 'http://kinto.test/v1' })).toEqual(['KINTO_AUTH']);
    expect(named({ STORE: 'kinto', KINTO_URL: 'ftp://x', KINTO_AUTH: 'u:p' })).toEqual(['KINTO_URL']);
    expect(problems({ STORE: 'kinto', KINTO_URL: 'http://kinto.test/v1', KINTO_AUTH: 'u:p' })).toEqual([]);
  });

  it('refuses the embedded database in production', () => {
    expect(named({ NODE_ENV: 'production' })).toEqual(['DATABASE_URL']);
    expect(problems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/wif' })).toEqual([]);
    expect(named({ NODE_ENV: 'production', STORE: 'kinto', KINTO_URL: 'http://k.test/v1', KINTO_AUTH: 'u:p' })).toEqual(
      ['AGGREGATOR_DATABASE_URL'],
    );
    expect(problems({})).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/wif' }).production).toBe(true);
  });

  it('reads METRICS_PORT (off when unset) and keeps it apart from API_PORT', () => {
    expect(loadConfig({}).metricsPort).toBeNull();
    expect(loadConfig({ METRICS_PORT: '' }).metricsPort).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(named({ METRICS_PORT: 'nine' })).toEqual(['METRICS_PORT']);
    expect(named({ METRICS_PORT: '4000' })).toEqual(['METRICS_PORT']);
  });

  it('reads SENTRY_DSN (off when unset) and hides it in messages', () => {
    expect(loadConfig({}).sentry).toBeNull();
    expect(loadConfig({ SENTRY_DSN: 'https://key@sentry.example.org/4', NODE_ENV: 'test' }).sentry).toEqual({
      dsn: 'https://key@sentry.example.org/4',
      environment: 'test',
    });
    const found = problems({ SENTRY_DSN: 'secret-not-a-url' });
    expect(found).toEqual([expect.stringMatching(/^SENTRY_DSN: /)]);
    expect(found[0]).not.toContain('secret-not-a-url');
  });

  it('has database connect and statement timeouts, which accept 0 but not negatives', () => {
    expect(loadConfig({}).database).toEqual({ connectTimeoutMs: 10_000, statementTimeoutMs: 120_000, caFile: null });
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' }).database.statementTimeoutMs).toBe(0);
    expect(named({ DATABASE_CONNECT_TIMEOUT_MS: '-1', DATABASE_STATEMENT_TIMEOUT_MS: '1s' }).sort()).toEqual([
      'DATABASE_CONNECT_TIMEOUT_MS',
      'DATABASE_STATEMENT_TIMEOUT_MS',
    ]);
  });

  it('needs DATABASE_CA_FILE (or PGSSLROOTCERT) to name an existing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wif-ca-'));
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
      expect(loadConfig({ DATABASE_CA_FILE: ca }).database.caFile).toBe(ca);
      expect(loadConfig({ PGSSLROOTCERT: ca }).database.caFile).toBe(ca);
      expect(named({ DATABASE_CA_FILE: join(dir, 'missing.pem') })).toEqual(['DATABASE_CA_FILE']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bounds the readiness check timeout', () => {
    expect(loadConfig({}).healthCheckTimeoutMs).toBe(3000);
    expect(named({ HEALTH_CHECK_TIMEOUT_MS: '0' })).toEqual(['HEALTH_CHECK_TIMEOUT_MS']);
  });

  it('documents every variable in .env.sample, and only those', () => {
    const sample = readFileSync(join(__dirname, '..', '..', '.env.sample'), 'utf8');
    const listed = [...sample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    const aliases = ['MONTHLY_REPORT_EMAIL_RECEPIENT', 'PGSSLROOTCERT'];
    expect(listed.filter((name) => !knownVariables().includes(name))).toEqual([]);
    expect(knownVariables().filter((name) => !aliases.includes(name) && !listed.includes(name))).toEqual([]);
  });
});
