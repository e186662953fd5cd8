import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('lets the environment win for every setting, crons and recipients included (environment-always-wins)', () => {
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
      'KINTO_AUTH',
      'KINTO_URL',
      'MAIL_ENABLED',
      'VALIDITY_CHECK_CRON',
    ]);
    expect(message).not.toContain('short-secret');
    expect(message).not.toContain('mysql://nope');
    expect(message).toContain('"abc"');
  });

  it('parses cron expressions as the scheduler does: a minute of 61 stops the start, naming the variable', () => {
    expect(() => loadConfig({ ALERT_CRON: '0 61 * * * *' })).toThrow(
      /ALERT_CRON: .*cron expression.*out of range.*"0 61 \* \* \* \*"/,
    );
    expect(loadConfig({ ALERT_CRON: '0 */20 * * 1-5' }).crons.alert).toBe('0 */20 * * 1-5');
  });

  it('gives running jobs 20 seconds to stop at shutdown, or SHUTDOWN_GRACE_SECONDS', () => {
    expect(loadConfig({}).shutdownGraceMs).toBe(20_000);
    expect(loadConfig({ SHUTDOWN_GRACE_SECONDS: '5' }).shutdownGraceMs).toBe(5_000);
  });

  it('keeps job runs 90 days and mail contents 30 days, runs the retention daily, and refuses a bad number of days', () => {
    expect(loadConfig({})).toMatchObject({
      retention: { jobRunDays: 90, mailDays: 30 },
      crons: { retention: '0 45 3 * * *' },
    });
    expect(loadConfig({ JOB_RUN_RETENTION_DAYS: '365', MAIL_RETENTION_DAYS: '7' }).retention).toEqual({
      jobRunDays: 365,
      mailDays: 7,
    });
    expect(() => loadConfig({ JOB_RUN_RETENTION_DAYS: '0' })).toThrow(/JOB_RUN_RETENTION_DAYS/);
    expect(() => loadConfig({ MAIL_RETENTION_DAYS: 'thirty' })).toThrow(/MAIL_RETENTION_DAYS/);
  });
});

describe('loadConfig with SOURCE=ds-api', () => {
  const PROCEDURES = JSON.stringify([
    { number: 14131, group: { id: '75', label: '75 - Paris' }, type: 'autorisation' },
    { number: 33588, group: { id: '75', label: '75 - Paris', type: 'introduction' } },
  ]);
  const problemsOf = (env: NodeJS.ProcessEnv): ConfigError => {
    try {
      loadConfig(env);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('the configuration was accepted');
  };

  it('keeps the aggregator as the default source, with the documented DS defaults', () => {
    const config = loadConfig({});
    expect(config.source).toBe('aggregator');
    expect(config.dsApi).toEqual({
      url: 'https://www.demarches-simplifiees.fr/api/v2/graphql',
      token: null,
      procedures: [],
      timeoutMs: 30_000,
    });
    expect(config.crons.dsImport).toBe('0 */15 * * * *');
  });

  it('reads the démarches inline or from a file, a missing type meaning autorisation', () => {
    const inline = loadConfig({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES: PROCEDURES });
    expect(inline.dsApi.procedures).toEqual([
      { number: 14131, group: { id: '75', label: '75 - Paris', type: 'autorisation' } },
      { number: 33588, group: { id: '75', label: '75 - Paris', type: 'introduction' } },
    ]);
    // Real imported dossiers never get demo data mixed in.
    expect(inline.pureEmbedded).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'wif-ds-'));
    const file = join(dir, 'procedures.json');
    writeFileSync(file, JSON.stringify([{ number: 12858, group: { id: '13', label: '13 - Bouches du Rhône' } }]));
    const fromFile = loadConfig({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES_FILE: file });
    expect(fromFile.dsApi.procedures).toEqual([
      { number: 12858, group: { id: '13', label: '13 - Bouches du Rhône', type: 'autorisation' } },
    ]);
  });

  it('requires the token and at least one démarche, and never shows the token', () => {
    const missing = problemsOf({ SOURCE: 'ds-api' });
    expect(missing.problems.map((p) => p.split(':')[0]).sort()).toEqual(['DS_API_TOKEN', 'DS_PROCEDURES']);
    const bad = problemsOf({
      SOURCE: 'ds-api',
      DS_API_TOKEN: 'secret token with spaces',
      DS_PROCEDURES: '[{"number":"14131","group":{"id":"75","label":"75 - Paris"}}]',
      AGGREGATOR_DATABASE_URL: 'postgres://u@h/agg',
    });
    expect(bad.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'AGGREGATOR_DATABASE_URL',
      'DS_API_TOKEN',
      'DS_PROCEDURES',
    ]);
    expect(bad.message).toContain('entry 1: "number" must be a positive whole number');
    expect(bad.message).not.toContain('secret token');
  });

  it('rejects an unreadable file, both settings at once, duplicates and unknown types', () => {
    expect(
      problemsOf({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES_FILE: '/nonexistent/procedures.json' }).message,
    ).toContain('cannot read /nonexistent/procedures.json (ENOENT)');
    expect(
      problemsOf({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES: PROCEDURES, DS_PROCEDURES_FILE: '/x' })
        .message,
    ).toContain('not both');
    const duplicate = JSON.stringify([
      { number: 1, group: { id: '75', label: 'Paris' } },
      { number: 1, group: { id: '75', label: 'Paris' } },
      { number: 2, group: { id: '75', label: 'Paris' }, type: 'visa' },
      { number: 3, group: { id: '7 5', label: 'Paris' } },
    ]);
    const { message } = problemsOf({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES: duplicate });
    expect(message).toContain('démarche 1 is listed twice');
    expect(message).toContain('entry 3: "type" must be');
    expect(message).toContain('entry 4: "group.id"');
    expect(problemsOf({ SOURCE: 'ds-api', DS_API_TOKEN: 'abc', DS_PROCEDURES: '{' }).message).toContain(
      'DS_PROCEDURES: not valid JSON',
    );
  });
});
