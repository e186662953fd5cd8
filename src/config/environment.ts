import { Transform, plainToInstance } from 'class-transformer';
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
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

// Six-field cron (seconds first), as the original used; five fields are accepted too.
const CRON = /^(\S+\s+){4,5}\S+$/;
const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const URL_SEGMENT = /^[A-Za-z0-9._-]+$/;
const SECRET = /TOKEN|PASSWORD|AUTH|URL/;
/**
 * A bearer token travels in a header and is compared byte for byte: whitespace or control characters would pass
 * here and then never match, so they are refused. The demo token file is held to the same rule.
 */
export const ADMIN_TOKEN_RULE = /^[\x21-\x7e]{16,}$/;
export const ADMIN_TOKEN_MESSAGE =
  'ADMIN_TOKEN must be at least 16 printable characters, without spaces or control characters';

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
  @Transform(toInt) @IsInt() @Min(1) DOWNLOAD_CONCURRENCY = 2;
  /** Trust X-Forwarded-For from this many proxies (0: use the socket address), so rate limits see the real client. */
  @Transform(toInt) @IsInt() @Min(0) TRUST_PROXY_HOPS = 0;
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) LOG_LEVEL = 'log';
  @IsIn(['text', 'json']) LOG_FORMAT = 'text';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'AGGREGATOR_DATABASE_URL must be a postgres:// URL' })
  AGGREGATOR_DATABASE_URL?: string;
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
  @Matches(CRON) VALIDITY_CHECK_CRON = '0 0 * * * *';
  @Matches(CRON) VALIDITY_CHECK_CLEANER_CRON = '0 15 6 * * *';
  @Matches(CRON) ALERT_CRON = '0 15 * * * *';
  @Matches(CRON) ALERT_EMAIL_CRON = '0 30 6 * * *';
  @Matches(CRON) MONTHLY_REPORT_CRON = '0 0 8 1 * *';
  @Matches(CRON) ALERT_DIGEST_CRON = '0 0 7 * * *';
  /** Retries of mails whose first attempt failed (every mail's first attempt belongs to the job that wrote it). */
  @Matches(CRON) MAIL_OUTBOX_CRON = '0 */5 * * * *';
  /** Minutes re-read before the watermark, for clock skew and rows committed during the previous run. */
  @Transform(toInt) @IsInt() @Min(0) SYNC_OVERLAP_MINUTES = 10;

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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const known = new EnvironmentVariables();
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(known).concat(['ADMIN_TOKEN', 'DATABASE_URL', 'AGGREGATOR_DATABASE_URL'])) {
    if (env[key] !== undefined) input[key] = env[key];
  }
  for (const key of ['MAIL_USERNAME', 'MAIL_PASSWORD', 'KINTO_URL', 'KINTO_AUTH', 'KINTO_LOOKUP_SECRET']) {
    if (env[key] !== undefined) input[key] = env[key];
  }
  // The original spelling is still accepted (domain.md 5.1).
  if (env.MONTHLY_REPORT_EMAIL_RECIPIENTS === undefined && env.MONTHLY_REPORT_EMAIL_RECEPIENT !== undefined) {
    input.MONTHLY_REPORT_EMAIL_RECIPIENTS = env.MONTHLY_REPORT_EMAIL_RECEPIENT;
  }
  const parsed = plainToInstance(EnvironmentVariables, input, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  const problems = errors.map((e) => {
    const shown = SECRET.test(e.property) ? '(value hidden)' : `(got ${JSON.stringify(e.value)})`;
    return `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')} ${shown}`;
  });
  if (parsed.STORE === 'kinto' && !parsed.KINTO_URL) problems.push('KINTO_URL: required when STORE=kinto');
  if (problems.length) throw new ConfigError(problems);
  return parsed;
}
