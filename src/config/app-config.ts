import { join, resolve } from 'node:path';
import { EnvironmentVariables, validateEnvironment } from './environment';

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export type StorageMode = 'postgres' | 'kinto';

/** The validated, typed configuration; the only way code reads settings. */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly adminPrefix: string;
  readonly adminToken: string | null;
  readonly corsOrigins: string[] | '*';
  readonly publicRateLimit: number;
  readonly publicCheckMaxFailedPerDossier: number;
  readonly downloadConcurrency: number;
  readonly trustProxyHops: number;
  readonly logLevel: string;
  readonly logFormat: 'text' | 'json';
  readonly databaseUrl: string | null;
  readonly aggregatorDatabaseUrl: string | null;
  readonly dataDir: string;
  readonly store: StorageMode;
  readonly kinto: { url: string | null; auth: string | null; bucket: string; lookupSecret: string | null };
  readonly demoSeedDossiers: number;
  readonly schedulerEnabled: boolean;
  readonly crons: Record<
    'validityCheck' | 'validityCheckCleaner' | 'alert' | 'alertEmail' | 'monthlyReport' | 'alertDigest' | 'mailOutbox',
    string
  >;
  readonly syncOverlapMs: number;
  readonly alerts: { maxInitiatedDays: number; maxReceivedDays: number; administrationDomains: string[] };
  readonly contactEmail: string;
  readonly mail: {
    enabled: boolean;
    host: string;
    port: number;
    username: string | null;
    password: string | null;
    from: string;
    useTls: boolean;
    maxAttempts: number;
    retryBaseMs: number;
  };
  readonly monthlyReport: {
    defaultRecipients: string[];
    /** Per group id (`75`, `75-introduction`): MONTHLY_REPORT_RECIPIENTS_75, MONTHLY_REPORT_RECIPIENTS_75_INTRODUCTION. */
    groupRecipients: Record<string, string[]>;
    firstMonth: { year: number; month: number };
  };
  readonly alertDigestRecipients: string[];
  readonly dsBaseUrl: string;

  constructor(env: EnvironmentVariables, raw: NodeJS.ProcessEnv) {
    this.port = env.API_PORT;
    this.host = env.API_HOST;
    this.adminPrefix = env.API_PREFIX;
    this.adminToken = env.ADMIN_TOKEN ?? null;
    this.corsOrigins = env.CORS_ORIGINS.trim() === '*' ? '*' : list(env.CORS_ORIGINS);
    this.publicRateLimit = env.PUBLIC_RATE_LIMIT;
    this.publicCheckMaxFailedPerDossier = env.PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER;
    this.downloadConcurrency = env.DOWNLOAD_CONCURRENCY;
    this.trustProxyHops = env.TRUST_PROXY_HOPS;
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = env.LOG_FORMAT as 'text' | 'json';
    this.databaseUrl = env.DATABASE_URL ?? null;
    this.aggregatorDatabaseUrl = env.AGGREGATOR_DATABASE_URL ?? null;
    this.dataDir = resolve(env.DATA_DIR);
    this.store = env.STORE as StorageMode;
    this.kinto = {
      url: env.KINTO_URL ?? null,
      auth: env.KINTO_AUTH ?? null,
      bucket: env.KINTO_BUCKET,
      lookupSecret: env.KINTO_LOOKUP_SECRET ?? null,
    };
    this.demoSeedDossiers = env.DEMO_SEED_DOSSIERS;
    this.schedulerEnabled = env.SCHEDULER_ENABLED;
    this.crons = {
      validityCheck: env.VALIDITY_CHECK_CRON,
      validityCheckCleaner: env.VALIDITY_CHECK_CLEANER_CRON,
      alert: env.ALERT_CRON,
      alertEmail: env.ALERT_EMAIL_CRON,
      monthlyReport: env.MONTHLY_REPORT_CRON,
      alertDigest: env.ALERT_DIGEST_CRON,
      mailOutbox: env.MAIL_OUTBOX_CRON,
    };
    this.syncOverlapMs = env.SYNC_OVERLAP_MINUTES * 60_000;
    this.alerts = {
      maxInitiatedDays: env.ALERT_MAX_INITIATED_DAYS,
      maxReceivedDays: env.ALERT_MAX_RECEIVED_DAYS,
      administrationDomains: list(env.ADMINISTRATION_EMAIL_DOMAINS).map((d) => d.toLowerCase()),
    };
    this.contactEmail = env.CONTACT_EMAIL;
    this.mail = {
      enabled: env.MAIL_ENABLED,
      host: env.MAIL_HOST,
      port: env.MAIL_PORT,
      username: env.MAIL_USERNAME ?? null,
      password: env.MAIL_PASSWORD ?? null,
      from: env.MAIL_FROM,
      useTls: env.MAIL_USE_TLS,
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      retryBaseMs: env.MAIL_RETRY_BASE_SECONDS * 1000,
    };
    const groupRecipients: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(raw)) {
      const m = /^MONTHLY_REPORT_RECIPIENTS_([0-9A-Za-z]+)(_INTRODUCTION)?$/.exec(key);
      if (m && value) groupRecipients[m[2] ? `${m[1]}-introduction` : m[1]] = list(value);
    }
    const [year, month] = env.MONTHLY_REPORT_FIRST_MONTH.split('-').map(Number);
    this.monthlyReport = {
      defaultRecipients: list(env.MONTHLY_REPORT_EMAIL_RECIPIENTS),
      groupRecipients,
      firstMonth: { year, month },
    };
    this.alertDigestRecipients = list(env.ALERT_DIGEST_RECIPIENTS);
    this.dsBaseUrl = env.DS_BASE_URL.replace(/\/+$/, '');
  }

  /**
   * Neither DATABASE_URL nor AGGREGATOR_DATABASE_URL: the dossiers live in the embedded PGlite database (the demo).
   * The results may still go to Kinto (STORE=kinto): the demo is seeded and its admin token created all the same.
   */
  get pureEmbedded(): boolean {
    return !this.databaseUrl && !this.aggregatorDatabaseUrl;
  }

  get pgliteDir(): string {
    return join(this.dataDir, 'pglite');
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return new AppConfig(validateEnvironment(env), env);
}
