import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DELETED_DOSSIERS_QUERY, DOSSIERS_QUERY, DS_PAGE_SIZE } from './ds-api.queries';
import { DsDeletedPage, DsDossierPage } from './ds-api.types';
import { Pause } from './pause';

/** A failure of the DS API. Messages are built here only, from status codes and DS error codes: never a token. */
export class DsApiError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'DsApiError';
  }
}

/** Attempts per request: 5 retries after the first, with backoff 2, 4, 8, 16, 32 s (about a minute in all). */
export const MAX_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 60_000;
// A Retry-After longer than this means DS wants us gone for a while: fail, the next run resumes.
const RETRY_AFTER_MAX_MS = 10 * 60_000;
// 100 dossiers of a few KB each; a larger answer is not DS and must not fill the memory.
const MAX_ANSWER_BYTES = 50 * 1024 * 1024;

// Errors that no retry can fix: the token, the démarche number, or our own query.
const TOKEN_CODES = new Set(['unauthorized', 'forbidden']);
const PERMANENT_CODES = new Set(['not_found', 'bad_request', 'graphql_parse_error']);

function serviceVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const USER_AGENT = `wif-backoffice/${serviceVersion()}`;

interface GraphqlAnswer {
  data?: { demarche?: Record<string, unknown> | null } | null;
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: Date): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

const codesOf = (answer: GraphqlAnswer): string[] =>
  (answer.errors ?? []).map((e) => (typeof e?.extensions?.code === 'string' ? e.extensions.code : 'unknown'));

/**
 * The DS GraphQL API (v2): one démarche's dossiers changed since a date, page by page, and its deleted dossiers.
 * Every request has a timeout, and transient failures (DS root errors, timeouts, HTTP 429 and 5xx, network) are
 * retried with backoff a bounded number of times.
 */
@Injectable()
export class DsApiClient {
  private readonly logger = new Logger('DsApi');
  private readonly http: AxiosInstance;

  constructor(
    private readonly config: AppConfig,
    private readonly pause: Pause,
    private readonly clock: Clock,
  ) {
    this.http = axios.create({
      timeout: config.dsApi.timeoutMs,
      maxContentLength: MAX_ANSWER_BYTES,
      maxRedirects: 0,
      // Every status is looked at here, so that no axios error (which carries the request headers) escapes.
      validateStatus: () => true,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': USER_AGENT },
    });
  }

  async dossiersPage(demarche: number, updatedSince: Date, after: string | null): Promise<DsDossierPage> {
    const variables = {
      demarcheNumber: demarche,
      updatedSince: updatedSince.toISOString(),
      first: DS_PAGE_SIZE,
      after,
    };
    const demarcheData = await this.query('getDemarcheDossiers', DOSSIERS_QUERY, variables, demarche);
    return this.connection(demarcheData?.dossiers, demarche) as DsDossierPage;
  }

  async deletedPage(demarche: number, deletedSince: Date | null, after: string | null): Promise<DsDeletedPage> {
    const variables = {
      demarcheNumber: demarche,
      deletedSince: deletedSince?.toISOString() ?? null,
      first: DS_PAGE_SIZE,
      after,
    };
    const demarcheData = await this.query('getDemarcheDeletedDossiers', DELETED_DOSSIERS_QUERY, variables, demarche);
    return this.connection(demarcheData?.deletedDossiers, demarche) as DsDeletedPage;
  }

  private connection(value: unknown, demarche: number): { pageInfo: unknown; nodes: unknown[] } {
    const c = value as { pageInfo?: { hasNextPage?: unknown; endCursor?: unknown }; nodes?: unknown } | undefined;
    const info = c?.pageInfo;
    if (!info || typeof info.hasNextPage !== 'boolean' || !Array.isArray(c.nodes)) {
      throw new DsApiError(`DS API: unexpected answer for démarche ${demarche} (no page)`, true);
    }
    const endCursor = typeof info.endCursor === 'string' ? info.endCursor : null;
    return { pageInfo: { hasNextPage: info.hasNextPage, endCursor }, nodes: c.nodes };
  }

  private async query(
    operationName: string,
    query: string,
    variables: Record<string, unknown>,
    demarche: number,
  ): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(operationName, query, variables, demarche);
      } catch (error) {
        if (!(error instanceof DsApiError)) throw error;
        if (!error.retryable || attempt >= MAX_ATTEMPTS) {
          throw new DsApiError(
            error.retryable ? `${error.message} (gave up after ${attempt} attempts)` : error.message,
            false,
          );
        }
        const backoff = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
        const waitMs = error.retryAfterMs ?? backoff;
        if (waitMs > RETRY_AFTER_MAX_MS) {
          throw new DsApiError(`${error.message}; DS asks to wait ${Math.round(waitMs / 1000)} s, giving up`, false);
        }
        this.logger.warn(`${error.message}; retry ${attempt}/${MAX_ATTEMPTS - 1} in ${Math.round(waitMs / 1000)} s`);
        await this.pause.wait(waitMs);
      }
    }
  }

  private async once(
    operationName: string,
    query: string,
    variables: Record<string, unknown>,
    demarche: number,
  ): Promise<Record<string, unknown>> {
    const what = `DS API, démarche ${demarche}`;
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.post(
        this.config.dsApi.url,
        { query, operationName, variables },
        {
          headers: { Authorization: `Bearer ${this.config.dsApi.token ?? ''}` },
          // The timeout above is per socket inactivity; this one bounds the whole exchange, a trickling answer too.
          signal: AbortSignal.timeout(this.config.dsApi.timeoutMs),
        },
      );
    } catch (error) {
      throw this.transportError(error, what);
    }
    const { status } = response;
    const answer = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as GraphqlAnswer;
    const codes = codesOf(answer);
    if (status === 401 || status === 403 || codes.some((c) => TOKEN_CODES.has(c))) {
      throw new DsApiError(
        `${what}: the token was refused (HTTP ${status}${codes.length ? `, ${codes.join(', ')}` : ''}); check DS_API_TOKEN and that it covers this démarche`,
        false,
      );
    }
    if (status === 429) {
      const retryAfter = parseRetryAfter(response.headers['retry-after'], this.clock.now());
      throw new DsApiError(`${what}: HTTP 429 (rate limited)`, true, retryAfter);
    }
    if (status >= 500) throw new DsApiError(`${what}: HTTP ${status}`, true);
    if (codes.length) {
      const permanent = codes.some((c) => PERMANENT_CODES.has(c));
      const hint = codes.includes('not_found') ? ' (unknown démarche, or not covered by the token)' : '';
      throw new DsApiError(`${what}: DS answered ${codes.join(', ')}${hint}`, !permanent);
    }
    if (status !== 200) throw new DsApiError(`${what}: HTTP ${status}`, false);
    const demarcheData = answer.data?.demarche;
    if (!demarcheData || typeof demarcheData !== 'object') {
      throw new DsApiError(`${what}: unexpected answer (no démarche)`, true);
    }
    return demarcheData;
  }

  private transportError(error: unknown, what: string): DsApiError {
    const code = (error as { code?: unknown })?.code;
    const name = (error as { name?: unknown })?.name;
    const seconds = Math.round(this.config.dsApi.timeoutMs / 1000);
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || name === 'CanceledError') {
      return new DsApiError(`${what}: no answer within ${seconds} s`, true);
    }
    if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED') {
      return new DsApiError(`${what}: unreadable answer (${String(code)})`, true);
    }
    return new DsApiError(`${what}: network error (${typeof code === 'string' ? code : 'unknown'})`, true);
  }
}
