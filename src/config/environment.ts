import { existsSync } from 'node:fs';
import { Transform, plainToInstance } from 'class-transformer';
import { validateCronExpression } from 'cron';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidationOptions,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { LOG_LEVELS, LogLevelName } from '../common/log-levels';
import { readDsProcedures } from './ds-procedures';

export { LOG_LEVELS, type LogLevelName };

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const toOptionalInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : toInt({ value });
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Six-field cron (seconds first), as the original used; five fields are accepted too. Parsed by the scheduler's own
 * parser, so that an expression it would refuse (`0 61 * * * *`) stops the start here, with the variable's name.
 */
function IsCron(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCron',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^(\S+\s+){4,5}\S+$/.test(value.trim()) &&
          validateCronExpression(value.trim()).valid,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          const reason = typeof value === 'string' ? validateCronExpression(value.trim()).error?.message : null;
          return `${args?.property ?? 'value'} must be a cron expression of 5 or 6 fields${reason ? ` (${reason})` : ''}`;
        },
      },
    },
    options,
  );
}
const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const URL_SEGMENT = /^[A-Za-z0-9._-]+$/;
const SECRET = /TOKEN|PASSWORD|AUTH|URL|DSN|SECRET|STAFF_ACCESS/;
/**
 * A bearer token travels in a header and is compared byte for byte: whitespace or control characters would pass
 * here and then never match, so they are refused. The demo token file is held to the same rule.
 */
export const ADMIN_TOKEN_RULE = /^[\x21-\x7e]{16,}$/;
export const ADMIN_TOKEN_MESSAGE =
  'ADMIN_TOKEN must be at least 16 printable characters, without spaces or control characters';

/**
 * Log levels by their common names (pino's); the names of the first releases (Nest's `log` and `verbose`) still
 * work, so an existing deployment keeps its setting.
 */
const OLD_LOG_LEVELS: Record<string, LogLevelName> = { log: 'info', verbose: 'trace', warning: 'warn' };
const toLogLevel = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return OLD_LOG_LEVELS[v] ?? v;
};

/**
 * Every environment variable the service reads, with its default. Nothing else reads process.env:
 * `loadConfig` validates this once at boot and the typed `AppConfig` is injected everywhere.
 */
export class EnvironmentVariables {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) API_PORT = 4000;
  @IsString() API_HOST = '0.0.0.0';
  /** Path segment of the admin routes: /api/{API_PREFIX}/… */
  @Matches(URL_SEGMENT, { message: 'API_PREFIX must be a single URL path segment (letters, digits, . _ -)' })
  API_PREFIX = 'admin';
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(ADMIN_TOKEN_RULE, { message: ADMIN_TOKEN_MESSAGE })
  ADMIN_TOKEN?: string;
  /** Comma-separated origins allowed to call the public API from a browser; `*` for any. */
  @IsString() CORS_ORIGINS = '*';
  @Transform(toInt) @IsInt() @Min(0) PUBLIC_RATE_LIMIT = 30;
  /** Wrong birth dates answered per dossier number per 24 hours, across all clients (0: no budget). */
  @Transform(toInt) @IsInt() @Min(0) PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER = 20;
  /** Workbook downloads built at once by one instance; more answer 503 with Retry-After (memory stays bounded). */
  @Transform(toInt) @IsInt() @Min(1) DOWNLOAD_CONCURRENCY = 1;
  /** Trust X-Forwarded-For from this many proxies (0: use the socket address), so rate limits see the real client. */
  @Transform(toInt) @IsInt() @Min(0) TRUST_PROXY_HOPS = 0;
  @Transform(toLogLevel)
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: string = 'info';
  @IsIn(['text', 'json'], { message: 'LOG_FORMAT must be text or json' }) LOG_FORMAT = 'text';
  /** `production` refuses the embedded database: a missing DATABASE_URL must stop the start, not fake a service. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() NODE_ENV?: string;
  /** Port of the Prometheus endpoint (`GET /metrics`), apart from the API so that it is never exposed with it. */
  @Transform(toOptionalInt) @IsOptional() @IsInt() @Min(1) @Max(65535) METRICS_PORT?: number;
  /** Error reporting to Sentry (or any Sentry-compatible server); unset: off. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'SENTRY_DSN must be an http(s) URL' })
  SENTRY_DSN?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() SENTRY_ENVIRONMENT?: string;
  /** Each readiness check (database, aggregator, Kinto) counts as failed past this delay. */
  @Transform(toInt) @IsInt() @Min(100) HEALTH_CHECK_TIMEOUT_MS = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'AGGREGATOR_DATABASE_URL must be a postgres:// URL' })
  AGGREGATOR_DATABASE_URL?: string;
  /** Opening a PostgreSQL connection fails past this delay instead of waiting for the OS (minutes). */
  @Transform(toInt) @IsInt() @Min(0) DATABASE_CONNECT_TIMEOUT_MS = 10_000;
  /**
   * The server cancels any statement running longer (0: no limit). The longest statement measured is a year of
   * monthly statistics on 100,000 dossiers, a few seconds; two minutes leaves room for larger databases.
   */
  @Transform(toInt) @IsInt() @Min(0) DATABASE_STATEMENT_TIMEOUT_MS = 120_000;
  /** CA certificate (PEM file) that PostgreSQL's certificate must chain to; PGSSLROOTCERT is read as well. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() DATABASE_CA_FILE?: string;
  @IsString() DATA_DIR = './data';
  @IsIn(['postgres', 'kinto']) STORE = 'postgres';
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'KINTO_URL must be an http(s) URL' })
  KINTO_URL?: string;
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[^:]+:.+$/, { message: 'KINTO_AUTH must be user:password' })
  KINTO_AUTH?: string;
  @Matches(URL_SEGMENT) KINTO_BUCKET = 'wif_public';
  /** Keys the ids of the validity checks on Kinto (derived from KINTO_AUTH when unset). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\S{16,}$/, { message: 'KINTO_LOOKUP_SECRET must be at least 16 characters without spaces' })
  KINTO_LOOKUP_SECRET?: string;
  @Transform(toInt) @IsInt() @Min(0) DEMO_SEED_DOSSIERS = 5000;

  @Transform(toBool) @IsBoolean() SCHEDULER_ENABLED = true;
  @IsCron() VALIDITY_CHECK_CRON = '0 0 * * * *';
  @IsCron() VALIDITY_CHECK_CLEANER_CRON = '0 15 6 * * *';
  @IsCron() ALERT_CRON = '0 15 * * * *';
  @IsCron() ALERT_EMAIL_CRON = '0 30 6 * * *';
  @IsCron() MONTHLY_REPORT_CRON = '0 0 8 1 * *';
  @IsCron() ALERT_DIGEST_CRON = '0 0 7 * * *';
  /** Retries of mails whose first attempt failed (every mail's first attempt belongs to the job that wrote it). */
  @IsCron() MAIL_OUTBOX_CRON = '0 */5 * * * *';
  /** Deletes the old job runs and empties the old mails (JOB_RUN_RETENTION_DAYS, MAIL_RETENTION_DAYS). */
  @IsCron() RETENTION_CRON = '0 45 3 * * *';
  /** On shutdown, how long running jobs get to reach the end of their current batch before they are cut short. */
  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_GRACE_SECONDS = 20;
  /** Minutes re-read before the watermark, for clock skew and rows committed during the previous run. */
  @Transform(toInt) @IsInt() @Min(0) SYNC_OVERLAP_MINUTES = 10;
  /** Days a finished job run is kept. */
  @Transform(toInt) @IsInt() @Min(1) JOB_RUN_RETENTION_DAYS = 90;
  /** Days a sent, blocked or failed mail keeps its recipients and content (its dedupe key and state stay for ever). */
  @Transform(toInt) @IsInt() @Min(1) MAIL_RETENTION_DAYS = 30;

  @Transform(toInt) @IsInt() @Min(1) ALERT_MAX_INITIATED_DAYS = 7;
  @Transform(toInt) @IsInt() @Min(1) ALERT_MAX_RECEIVED_DAYS = 7;
  @IsString() ADMINISTRATION_EMAIL_DOMAINS = 'direccte.gouv.fr,dreets.gouv.fr';
  @IsEmail() CONTACT_EMAIL = 'contact@workinfrance.beta.gouv.fr';
  @Transform(toInt) @IsInt() @Min(1) MAIL_MAX_ATTEMPTS = 8;
  @Transform(toInt) @IsInt() @Min(1) MAIL_RETRY_BASE_SECONDS = 60;

  @Transform(toBool) @IsBoolean() MAIL_ENABLED = false;
  @IsString() MAIL_HOST = 'localhost';
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) MAIL_PORT = 587;
  @Transform(emptyToUndefined) @IsOptional() @IsString() MAIL_USERNAME?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() MAIL_PASSWORD?: string;
  @IsString() MAIL_FROM = 'Work In France <contact@workinfrance.beta.gouv.fr>';
  /** true: implicit TLS (port 465); false: STARTTLS when the server offers it. */
  @Transform(toBool) @IsBoolean() MAIL_USE_TLS = false;

  @IsString() MONTHLY_REPORT_EMAIL_RECIPIENTS = '';
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'MONTHLY_REPORT_FIRST_MONTH must be YYYY-MM' })
  MONTHLY_REPORT_FIRST_MONTH = '2018-01';
  @IsString() ALERT_DIGEST_RECIPIENTS = '';
  @IsString() DS_BASE_URL = 'https://www.demarches-simplifiees.fr';

  /** Where dossiers come from: the ds-aggregator's tables, or this service's own import from the DS GraphQL API. */
  @IsIn(['aggregator', 'ds-api']) SOURCE = 'aggregator';
  @Matches(/^https?:\/\/\S+$/, { message: 'DS_API_URL must be an http(s) URL' })
  DS_API_URL = 'https://www.demarches-simplifiees.fr/api/v2/graphql';
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]+$/, { message: 'DS_API_TOKEN must be the token alone, without spaces' })
  DS_API_TOKEN?: string;
  /** JSON array of démarches: [{"number":14131,"group":{"id":"75","label":"75 - Paris"},"type":"autorisation"}]. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() DS_PROCEDURES?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() DS_PROCEDURES_FILE?: string;
  @IsCron() DS_IMPORT_CRON = '0 */15 * * * *';
  @Transform(toInt) @IsInt() @Min(1) @Max(600) DS_API_TIMEOUT_SECONDS = 30;
  /** Staff dashboard login (OpenID Connect, e.g. ProConnect). Unset: no staff login, except the embedded demo's. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_ISSUER_URL must be an http(s) URL' })
  OIDC_ISSUER_URL?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() OIDC_CLIENT_ID?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() OIDC_CLIENT_SECRET?: string;
  /** The service's address as browsers reach it (the OIDC redirect URI is built on it); https: Secure cookies. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;
  /** Key material of the session cookies (encrypted and authenticated), 32+ characters. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET?: string;
  /** A session ends after this many minutes without a page view... */
  @Transform(toInt) @IsInt() @Min(1) SESSION_IDLE_MINUTES = 30;
  /** ...and this many hours after the login, whatever the activity. */
  @Transform(toInt) @IsInt() @Min(1) @Max(24) SESSION_MAX_HOURS = 10;
  /** Who may log in, and on which units (see src/auth/staff-access.ts); or a file with the same content. */
  @IsString() STAFF_ACCESS = '';
  @Transform(emptyToUndefined) @IsOptional() @IsString() STAFF_ACCESS_FILE?: string;
}

/** Variables that have no default, hence no own property on a fresh EnvironmentVariables. */
const OPTIONAL = [
  'ADMIN_TOKEN',
  'DATABASE_URL',
  'AGGREGATOR_DATABASE_URL',
  'MAIL_USERNAME',
  'MAIL_PASSWORD',
  'KINTO_URL',
  'KINTO_AUTH',
  'KINTO_LOOKUP_SECRET',
  'NODE_ENV',
  'METRICS_PORT',
  'SENTRY_DSN',
  'SENTRY_ENVIRONMENT',
  'DATABASE_CA_FILE',
  'DS_API_TOKEN',
  'DS_PROCEDURES',
  'DS_PROCEDURES_FILE',
  'OIDC_ISSUER_URL',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'PUBLIC_URL',
  'SESSION_SECRET',
  'STAFF_ACCESS_FILE',
];

/** Every variable name the service reads (besides the per-unit MONTHLY_REPORT_RECIPIENTS_*). */
export function knownVariables(): string[] {
  return [...Object.keys(new EnvironmentVariables()), ...OPTIONAL, 'MONTHLY_REPORT_EMAIL_RECEPIENT', 'PGSSLROOTCERT'];
}

/** Rules that tie several variables together; one line per faulty variable, like the single-field rules. */
export function crossFieldProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (env.STORE === 'kinto') {
    if (!env.KINTO_URL) problems.push('KINTO_URL: required when STORE=kinto');
    if (!env.KINTO_AUTH) problems.push('KINTO_AUTH: required when STORE=kinto (user:password of the service account)');
  }
  if (env.NODE_ENV === 'production') {
    if (env.STORE === 'postgres' && !env.DATABASE_URL) {
      problems.push(
        'DATABASE_URL: required when NODE_ENV=production (the embedded database is for trying the service)',
      );
    }
    if (env.STORE === 'kinto' && !env.DATABASE_URL && !env.AGGREGATOR_DATABASE_URL) {
      problems.push('AGGREGATOR_DATABASE_URL: required when NODE_ENV=production and STORE=kinto');
    }
  }
  if (env.SOURCE === 'ds-api') {
    if (!env.DS_API_TOKEN) problems.push('DS_API_TOKEN: required when SOURCE=ds-api');
    problems.push(...readDsProcedures(env.DS_PROCEDURES, env.DS_PROCEDURES_FILE).problems);
    // The imported dossiers are written to the back office's own database, in the aggregator's table layout.
    if (env.AGGREGATOR_DATABASE_URL) {
      problems.push(
        'AGGREGATOR_DATABASE_URL: must be unset when SOURCE=ds-api (dossiers are imported into DATABASE_URL)',
      );
    }
  }
  if (env.OIDC_ISSUER_URL) {
    for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL', 'SESSION_SECRET'] as const) {
      if (!env[key]) problems.push(`${key}: required when OIDC_ISSUER_URL is set`);
    }
  }
  if (env.STAFF_ACCESS.trim() && env.STAFF_ACCESS_FILE) {
    problems.push('STAFF_ACCESS_FILE: give either STAFF_ACCESS or STAFF_ACCESS_FILE, not both');
  }
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.API_PORT) {
    problems.push('METRICS_PORT: must differ from API_PORT');
  }
  if (env.DATABASE_CA_FILE && !existsSync(env.DATABASE_CA_FILE)) {
    problems.push(`DATABASE_CA_FILE: no such file (got ${JSON.stringify(env.DATABASE_CA_FILE)})`);
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// One message per variable, the type's before the range's: `API_PORT=abc` is not a whole number, and saying it is
// also "greater than 65535" and "less than 0" only confuses.
const TYPE_RULES = ['isInt', 'isBoolean', 'isString', 'isIn', 'matches', 'isEmail'];
function mainConstraint(constraints: Record<string, string>): string {
  const key = TYPE_RULES.find((k) => k in constraints) ?? Object.keys(constraints)[0];
  return constraints[key] ?? 'invalid value';
}

export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const known = new EnvironmentVariables();
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(known).concat(OPTIONAL)) {
    if (env[key] !== undefined) input[key] = env[key];
  }
  if (env.DATABASE_CA_FILE === undefined && env.PGSSLROOTCERT) input.DATABASE_CA_FILE = env.PGSSLROOTCERT;
  // MONTHLY_REPORT_EMAIL_RECEPIENT, the retired service's spelling, is still read.
  if (env.MONTHLY_REPORT_EMAIL_RECIPIENTS === undefined && env.MONTHLY_REPORT_EMAIL_RECEPIENT !== undefined) {
    input.MONTHLY_REPORT_EMAIL_RECIPIENTS = env.MONTHLY_REPORT_EMAIL_RECEPIENT;
  }
  const parsed = plainToInstance(EnvironmentVariables, input, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  const problems = errors.map((e) => {
    const shown = SECRET.test(e.property) ? '(value hidden)' : `(got ${JSON.stringify(e.value)})`;
    return `${e.property}: ${mainConstraint(e.constraints ?? {})} ${shown}`;
  });
  // Cross-field rules only on values that are valid one by one, so that each variable is named once.
  const faulty = new Set(errors.map((e) => e.property));
  for (const problem of crossFieldProblems(parsed)) {
    if (!faulty.has(problem.split(':')[0])) problems.push(problem);
  }
  if (problems.length) throw new ConfigError(problems);
  return parsed;
}
