import { createHmac } from 'node:crypto';
import { Provider } from '@nestjs/common';
import KintoClient, { Collection } from 'kinto-http';
import { StoreUnavailableError } from '../common/store-unavailable';
import { AppConfig } from '../config/app-config';

/** Bucket, collection and record ids Kinto accepts (its `NameGenerator` / `RelaxedUUID` pattern). */
export const KINTO_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/**
 * The collections of the bucket. The first four are the seed's; the others hold what the repositories need beyond
 * them (job bookkeeping, the mail outbox, and `claims`: one record per decision only one instance may take, such as
 * a mail's attempt, created with `If-None-Match: *`; `validity_keys`: where each ds_key's check is, see the validity
 * check repository).
 */
export const KINTO_COLLECTIONS = [
  'monthly_reports',
  'alerts',
  'validity_checks',
  'synchro_histories',
  'job_runs',
  'job_locks',
  'mail_outbox',
  'claims',
  'validity_keys',
] as const;
export type KintoCollectionName = (typeof KINTO_COLLECTIONS)[number];

/** Every request gives up after this long, so that a stalled Kinto server cannot hang a job or a public check. */
export const KINTO_TIMEOUT_MS = 10_000;
/** Records per page when a repository reads a whole filtered set (`_limit`, then `Next-Page`). */
export const KINTO_PAGE_SIZE = 500;

export class KintoConfigError extends Error {}

export interface KintoSettings {
  /** Root of the API, version included, no trailing slash: `http://localhost:8888/v1`. */
  url: string;
  user: string;
  password: string;
  bucket: string;
  timeoutMs: number;
  pageSize: number;
  /** Keys the validity checks' record ids; derived from the credentials when absent (KINTO_LOOKUP_SECRET). */
  lookupSecret?: string;
}

/**
 * Reads and checks the Kinto settings once, so that a mistake stops the start with a message naming the variable
 * rather than surfacing later as an HTTP error.
 */
export function kintoSettings(
  config: AppConfig,
  overrides: Partial<Pick<KintoSettings, 'timeoutMs' | 'pageSize'>> = {},
): KintoSettings {
  const { url, auth, bucket } = config.kinto;
  if (!url) throw new KintoConfigError('KINTO_URL is required when STORE=kinto (e.g. http://localhost:8888/v1)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KintoConfigError(`KINTO_URL is not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new KintoConfigError(`KINTO_URL must be an http(s) URL: ${url}`);
  }
  if (parsed.username || parsed.password) {
    throw new KintoConfigError('KINTO_URL must not carry credentials: put them in KINTO_AUTH (user:password)');
  }
  const root = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  // kinto-http only speaks the v1 protocol and needs the version at the end of the URL.
  if (!/\/v1$/.test(root) || parsed.search || parsed.hash) {
    throw new KintoConfigError(
      `KINTO_URL must be the API root ending with /v1 (e.g. http://localhost:8888/v1): ${url}`,
    );
  }
  // Anonymous access is not an option: the validity checks hold birth dates.
  const separator = auth?.indexOf(':') ?? -1;
  if (!auth || separator <= 0 || separator === auth.length - 1) {
    throw new KintoConfigError('KINTO_AUTH (user:password) is required when STORE=kinto: the collections are private');
  }
  if (!KINTO_ID.test(bucket) || /batch/i.test(bucket)) {
    throw new KintoConfigError(
      `KINTO_BUCKET must match ${String(KINTO_ID)} and must not contain "batch" (Kinto rejects it inside /batch): ${bucket}`,
    );
  }
  return {
    url: root,
    user: auth.slice(0, separator),
    password: auth.slice(separator + 1),
    bucket,
    timeoutMs: overrides.timeoutMs ?? KINTO_TIMEOUT_MS,
    pageSize: overrides.pageSize ?? KINTO_PAGE_SIZE,
    ...(config.kinto.lookupSecret ? { lookupSecret: config.kinto.lookupSecret } : {}),
  };
}

type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Kinto's answers that mean "not now" rather than "no": its storage is down, or a proxy found no server. */
const UNAVAILABLE_STATUSES = [502, 503, 504];

/**
 * Node 20's own fetch, with a deadline that really aborts the request. kinto-http 5 uses `globalThis.fetch` unless
 * given `fetchFunc` (node-fetch is only loaded for its `Headers` class), and its own `timeout` option rejects the
 * promise but leaves the socket open. No answer, or a 502–504, is a `StoreUnavailableError` (503 to our clients).
 */
export function fetchWithDeadline(timeoutMs: number, fetchImpl: FetchFunction = globalThis.fetch): FetchFunction {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const where = `${method} ${target.replace(/\?.*$/, '')}`;
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // Duck-typed: fetch errors (DOMException, undici's TypeError) may come from another realm than ours.
      const failure = error as { name?: unknown; cause?: { message?: unknown } } | null;
      if (failure?.name === 'TimeoutError') {
        throw new StoreUnavailableError(`Kinto did not answer within ${timeoutMs} ms (${where})`, { cause: error });
      }
      const cause = typeof failure?.cause?.message === 'string' ? `: ${failure.cause.message}` : '';
      throw new StoreUnavailableError(`Kinto unreachable (${where})${cause}`, { cause: error });
    }
    if (UNAVAILABLE_STATUSES.includes(response.status)) {
      await response.body?.cancel();
      throw new StoreUnavailableError(`Kinto answered HTTP ${response.status} (${where})`);
    }
    return response;
  };
}

/** The Kinto client of the service account, bound to the configured bucket. */
export class KintoConnection {
  readonly client: KintoClient;
  readonly authorization: string;
  private readonly fetch: FetchFunction;

  constructor(
    readonly settings: KintoSettings,
    fetchImpl?: FetchFunction,
  ) {
    this.authorization = `Basic ${Buffer.from(`${settings.user}:${settings.password}`).toString('base64')}`;
    this.fetch = fetchWithDeadline(settings.timeoutMs, fetchImpl);
    this.client = new KintoClient(settings.url, {
      headers: { Authorization: this.authorization },
      fetchFunc: this.fetch,
    });
  }

  private repairing: Promise<boolean> | null = null;
  private repairer: (() => Promise<void>) | null = null;

  /** What `repair` runs: the start's bootstrap, registered by it once it succeeded. */
  onRepair(repairer: () => Promise<void>): void {
    this.repairer = repairer;
  }

  /**
   * Re-creates the bucket and its collections after the server lost them (a memory backend restarted empty, a
   * database restored from an old dump). One repair at a time; true if it succeeded.
   */
  repair(): Promise<boolean> {
    const repairer = this.repairer;
    if (!repairer) return Promise.resolve(false);
    this.repairing ??= repairer().then(
      () => true,
      () => false,
    );
    const done = this.repairing;
    void done.finally(() => {
      if (this.repairing === done) this.repairing = null;
    });
    return done;
  }

  /** The status of a GET sent without credentials: how the server treats an anonymous visitor. */
  async anonymousStatus(path: string): Promise<number> {
    const response = await this.fetch(`${this.settings.url}${path}`, { headers: { Accept: 'application/json' } });
    await response.text();
    return response.status;
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  /**
   * A keyed hash of a natural key, as a record id: the server's operators (and its logs, which print paths) cannot
   * read the key back, e.g. a birth date. Keyed with KINTO_LOOKUP_SECRET, else with a key derived from KINTO_AUTH.
   */
  keyedId(prefix: string, key: string): string {
    const secret = this.settings.lookupSecret ?? `kinto-lookup:${this.settings.user}:${this.settings.password}`;
    return `${prefix}_${createHmac('sha256', secret).update(key).digest('hex').slice(0, 40)}`;
  }

  collection(name: KintoCollectionName): Collection {
    return this.client.bucket(this.settings.bucket).collection(name);
  }
}

export const kintoConnectionProvider: Provider = {
  provide: KintoConnection,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => new KintoConnection(kintoSettings(config)),
};
