import { loadConfig } from './app-config';
import { ConfigError } from './environment';

describe('loadConfig', () => {
  it('gives the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      adminPrefix: 'admin',
      adminToken: null,
      publicRateLimit: 30,
      databaseUrl: null,
      store: 'postgres',
      crons: { validityCheck: '0 0 * * * *', monthlyReport: '0 0 8 1 * *' },
      syncOverlapMs: 600_000,
      alerts: {
        maxInitiatedDays: 7,
        maxReceivedDays: 7,
        administrationDomains: ['direccte.gouv.fr', 'dreets.gouv.fr'],
      },
      mail: { enabled: false, port: 587, useTls: false },
      monthlyReport: { defaultRecipients: [], firstMonth: { year: 2018, month: 1 } },
    });
    expect(config.pureEmbedded).toBe(true);
  });

  it('seeds the embedded demo whatever the store: STORE=kinto without a database URL is the demo too', () => {
    const kinto = loadConfig({ STORE: 'kinto', KINTO_URL: 'http://localhost:8888/v1', KINTO_AUTH: 'u:p' });
    expect(kinto.pureEmbedded).toBe(true);
    const real = loadConfig({
      STORE: 'kinto',
      KINTO_URL: 'http://k/v1',
      KINTO_AUTH: 'u:p',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(real.pureEmbedded).toBe(false);
  });

  it('lets the environment win for every setting, crons and recipients included (B21)', () => {
    const config = loadConfig({
      API_PORT: '8080',
      MAIL_ENABLED: 'true',
      ALERT_CRON: '0 0 4 * * *',
      MONTHLY_REPORT_EMAIL_RECEPIENT: 'a@x.fr, b@y.fr',
      MONTHLY_REPORT_RECIPIENTS_75: 'paris@x.fr',
      MONTHLY_REPORT_RECIPIENTS_75_INTRODUCTION: 'intro@x.fr',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(config.port).toBe(8080);
    expect(config.mail.enabled).toBe(true);
    expect(config.crons.alert).toBe('0 0 4 * * *');
    expect(config.monthlyReport.defaultRecipients).toEqual(['a@x.fr', 'b@y.fr']);
    expect(config.monthlyReport.groupRecipients).toEqual({ '75': ['paris@x.fr'], '75-introduction': ['intro@x.fr'] });
    expect(config.pureEmbedded).toBe(false);
  });

  it('stops with one message naming every bad variable, and hides secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        API_PORT: 'abc',
        MAIL_ENABLED: 'maybe',
        VALIDITY_CHECK_CRON: 'every hour',
        ADMIN_TOKEN: 'short-secret',
        DATABASE_URL: 'mysql://nope',
        STORE: 'kinto',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    const names = problems.map((p) => p.split(':')[0]).sort();
    expect(names).toEqual([
      'ADMIN_TOKEN',
      'API_PORT',
      'DATABASE_URL',
      'KINTO_URL',
      'MAIL_ENABLED',
      'VALIDITY_CHECK_CRON',
    ]);
    expect(message).not.toContain('short-secret');
    expect(message).not.toContain('mysql://nope');
    expect(message).toContain('"abc"');
  });
});
