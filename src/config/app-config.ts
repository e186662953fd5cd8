import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMPTY_STAFF_ACCESS, parseStaffAccess, StaffAccess } from './staff-access';
import { DsProcedure, readDsProcedures } from './ds-procedures';
import { ConfigError, EnvironmentVariables, LogLevelName, validateEnvironment } from './environment';

const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export type StorageMode = 'postgres' | 'kinto';
export type DossierSourceMode = 'aggregator' | 'ds-api';

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
  readonly logLevel: LogLevelName;
  readonly logFormat: 'text' | 'json';
  readonly production: boolean;
  readonly metricsPort: number | null;
  readonly sentry: { dsn: string; environment: string } | null;
  readonly healthCheckTimeoutMs: number;
  readonly database: { connectTimeoutMs: number; statementTimeoutMs: number; caFile: string | null };
  readonly databaseUrl: string | null;
  readonly aggregatorDatabaseUrl: string | null;
  readonly dataDir: string;
  readonly store: StorageMode;
  readonly kinto: { url: string | null; auth: string | null; bucket: string; lookupSecret: string | null };
  readonly demoSeedDossiers: number;
  readonly schedulerEnabled: boolean;
  readonly crons: Record<
    | 'validityCheck'
    | 'validityCheckCleaner'
    | 'alert'
    | 'alertEmail'
    | 'monthlyReport'
    | 'alertDigest'
    | 'mailOutbox'
    | 'dsImport'
    | 'retention',
    string
  >;
  /** Days kept: finished job runs, and the content of finished mails. */
  readonly retention: { jobRunDays: number; mailDays: number };
  readonly syncOverlapMs: number;
  readonly shutdownGraceMs: number;
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
  readonly source: DossierSourceMode;
  /** The DS GraphQL API, used when SOURCE=ds-api. The token is a secret: never log this object. */
  readonly dsApi: { url: string; token: string | null; procedures: DsProcedure[]; timeoutMs: number };
  /** OpenID Connect login of the staff dashboard; null when not configured. */
  readonly oidc: { issuerUrl: string; clientId: string; clientSecret: string } | null;
  /** The service's public address, without a trailing slash; null when unset. */
  readonly publicUrl: string | null;
  readonly session: { secret: string | null; idleMs: number; maxMs: number };
  readonly staffAccess: StaffAccess;

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
    this.logLevel = env.LOG_LEVEL as LogLevelName;
    this.logFormat = env.LOG_FORMAT as 'text' | 'json';
    this.production = env.NODE_ENV === 'production';
    this.metricsPort = env.METRICS_PORT ?? null;
    this.sentry = env.SENTRY_DSN
      ? { dsn: env.SENTRY_DSN, environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV ?? 'development' }
      : null;
    this.healthCheckTimeoutMs = env.HEALTH_CHECK_TIMEOUT_MS;
    this.database = {
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      caFile: env.DATABASE_CA_FILE ?? null,
    };
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
      dsImport: env.DS_IMPORT_CRON,
      retention: env.RETENTION_CRON,
    };
    this.retention = { jobRunDays: env.JOB_RUN_RETENTION_DAYS, mailDays: env.MAIL_RETENTION_DAYS };
    this.syncOverlapMs = env.SYNC_OVERLAP_MINUTES * 60_000;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_SECONDS * 1000;
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
    this.source = env.SOURCE as DossierSourceMode;
    this.dsApi = {
      url: env.DS_API_URL,
      token: env.DS_API_TOKEN ?? null,
      procedures:
        this.source === 'ds-api' ? readDsProcedures(env.DS_PROCEDURES, env.DS_PROCEDURES_FILE).procedures : [],
      timeoutMs: env.DS_API_TIMEOUT_SECONDS * 1000,
    };
    this.oidc =
      env.OIDC_ISSUER_URL && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? { issuerUrl: env.OIDC_ISSUER_URL, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET }
        : null;
    this.publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null;
    this.session = {
      secret: env.SESSION_SECRET ?? null,
      idleMs: env.SESSION_IDLE_MINUTES * 60_000,
      maxMs: env.SESSION_MAX_HOURS * 3_600_000,
    };
    this.staffAccess = loadStaffAccess(env);
  }

  /**
   * The demonstration login (a national or a unit role without any provider) exists only on the embedded demo
   * data: never with a real database, never next to a real login.
   */
  get demoLogin(): boolean {
    return this.pureEmbedded && this.oidc === null;
  }

  /**
   * Neither DATABASE_URL nor AGGREGATOR_DATABASE_URL: the dossiers live in the embedded PGlite database (the demo).
   * The results may still go to Kinto (STORE=kinto): the demo is seeded and its admin token created all the same.
   * Not with SOURCE=ds-api, whose tables hold real imported dossiers that demo data must never mix with.
   */
  get pureEmbedded(): boolean {
    return !this.databaseUrl && !this.aggregatorDatabaseUrl && this.source === 'aggregator';
  }

  get pgliteDir(): string {
    return join(this.dataDir, 'pglite');
  }
}

function loadStaffAccess(env: EnvironmentVariables): StaffAccess {
  let text = env.STAFF_ACCESS;
  if (env.STAFF_ACCESS_FILE) {
    try {
      text = readFileSync(env.STAFF_ACCESS_FILE, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError([`STAFF_ACCESS_FILE: cannot read ${env.STAFF_ACCESS_FILE} (${code})`]);
    }
  }
  if (!text.trim()) return EMPTY_STAFF_ACCESS;
  const { access, problems } = parseStaffAccess(text);
  const name = env.STAFF_ACCESS_FILE ? 'STAFF_ACCESS_FILE' : 'STAFF_ACCESS';
  if (problems.length) throw new ConfigError(problems.map((p) => `${name}: ${p}`));
  return access;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return new AppConfig(validateEnvironment(env), env);
}
