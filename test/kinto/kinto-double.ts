import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A Kinto server in the test process: the subset of Kinto's HTTP API (protocol v1, as served by Kinto 16 on its
 * PostgreSQL storage) that the back office uses, implemented from the documentation and the server's source:
 *
 * - `GET /v1/` (hello, with `settings.batch_max_requests` and the authenticated `user`);
 * - buckets and collections: PUT (create or replace), GET (`data` + `permissions`), PATCH (merge, or JSON-Patch on
 *   `/permissions/...`), DELETE;
 * - records: PUT, PATCH, GET, DELETE by id; GET/HEAD/DELETE on the plural endpoint with filters (`field`, `eq_`, `not_`,
 *   `in_`, `exclude_`, `lt_`, `gt_`, `min_`, `max_`, `has_`, `_since`, `_before`), `_sort`, `_fields`, `_limit` with
 *   a `Next-Page` URL carrying a keyset `_token`, `ETag` (quoted collection timestamp), `Total-Objects` on HEAD;
 * - `If-Match: "<last_modified>"` and `If-None-Match: *` on writes (412 with `details.existing`), 404 on a missing
 *   record for PATCH/DELETE before any precondition, as Kinto does;
 * - `POST /v1/batch` with `defaults` merged into each request, at most `batch_max_requests` (25) sub-requests and no
 *   sub-request path containing `/batch` (400 otherwise), sub-requests run one by one, each with its own status;
 * - HTTP Basic auth against a user table (like Kinto's accounts plugin): no or wrong credentials are anonymous;
 *   permissions `read`/`write`/`*:create` inherited from bucket to collection to record, the creator getting
 *   `write`; anonymous denials are 401, authenticated ones 403.
 *
 * Filter values are parsed as JSON, falling back to the raw string, as Kinto 16 does. Comparisons follow
 * PostgreSQL's jsonb ordering (null < string < number < boolean < array < object), and a missing field behaves as
 * SQL NULL does in Kinto's queries: it matches `not_`, `exclude_`, `gt_` and `min_` and never `eq`, `in_`, `lt_`,
 * `max_`; it sorts last ascending.
 *
 * Known differences, none of which the back office relies on: strings compare by code point (Kinto's PostgreSQL
 * compares jsonb strings with the database collation); a `last_modified` sent in a body is ignored rather than used
 * for replication; deleted records leave no tombstones (so `_since` lists no deletions); the plural DELETE (used
 * by the tests to empty collections) ignores pagination; no history, no `like_`/`contains_` filters; sub-requests
 * of a batch are not wrapped in one transaction.
 *
 * Like the real server, it serves requests concurrently and checks preconditions non-atomically: Kinto reads the
 * current version, compares it with `If-Match` / `If-None-Match` and then writes without any condition, so two
 * writes carrying the same `If-Match` both succeed when they overlap (20 races out of 20 on Kinto 16.2.3 with its
 * PostgreSQL storage). The double does the same with a pause (`raceWindowMs`) between the check and the write. Only
 * creation is atomic (a unique key in the database): the loser of two overlapping `If-None-Match: *` creations gets
 * 409 Conflict (14 races out of 20 on that server; 412 when the winner had already committed before the check).
 *
 * Faults on demand: `latencyMs` delays every answer, `stop()` resets every connection (server down), `stall()` keeps
 * requests unanswered and carries them out on `resume()` (a write whose client gave up still happens), `wipe()`
 * forgets every bucket (a server restarted on an empty memory backend).
 *
 * Every request is recorded (method, path, query, headers, parsed body) so that tests assert on what the client
 * sent; `onRequest` runs before each one is handled, to change the state in between two requests of a client.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/buckets/b/collections/c/records`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
}

export interface KintoDoubleOptions {
  /** Accounts: user name → password. */
  users?: Record<string, string>;
  batchMaxRequests?: number;
  /** Kinto's `paginate_by` (none by default). */
  paginateBy?: number | null;
  /** Kinto's `storage_max_fetch_size`. */
  maxFetchSize?: number;
  /** Simulates server settings granting `system.Everyone` read on every bucket (`kinto.bucket_read_principals`). */
  everyoneReads?: boolean;
  readonly?: boolean;
  /** Pause between a write's precondition check and the write itself (default 5 ms; 0 checks atomically). */
  raceWindowMs?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Data = { [key: string]: Json } & { id: string; last_modified: number };
type Permissions = Record<string, string[]>;

interface KintoObject {
  data: Data;
  permissions: Permissions;
}

interface CollectionState {
  object: KintoObject;
  records: Map<string, KintoObject>;
  timestamp: number;
}

interface BucketState {
  object: KintoObject;
  collections: Map<string, CollectionState>;
  timestamp: number;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

interface Context {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  contentType: string;
  /** scheme://host of the incoming request, for Next-Page. */
  origin: string;
  /**
   * A conditional write runs twice: `check` evaluates the precondition on the current state (and stops there), then
   * `write` writes after the race window without re-checking `If-Match`, as Kinto does.
   */
  stage?: 'check' | 'write';
}

/** Thrown at the end of a `check` stage whose precondition held. */
class CheckPassed extends Error {}

const conflict = () =>
  new HttpError(
    409,
    122,
    'Conflict',
    'Another resource violates constraint (Integrity constraint violated, please retry.)',
  );

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const MISSING = Symbol('missing');
type Value = Json | typeof MISSING;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errno: number,
    readonly error: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const invalid = (message: string, details?: unknown) => new HttpError(400, 107, 'Invalid parameters', message, details);
const notFound = (resourceName?: string, id?: string) =>
  new HttpError(
    404,
    111,
    'Not Found',
    'The resource you are looking for could not be found.',
    resourceName ? { id, resource_name: resourceName } : undefined,
  );

function parseValue(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

function typeRank(value: Json): number {
  if (value === null) return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'boolean') return 3;
  if (Array.isArray(value)) return 4;
  return 5;
}

/** PostgreSQL jsonb ordering. */
function compareJson(a: Json, b: Json): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function lookup(data: Data, field: string): Value {
  let current: Json | undefined = data;
  for (const part of field.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !(part in current)) {
      return MISSING;
    }
    current = (current as { [key: string]: Json })[part];
  }
  return current === undefined ? MISSING : current;
}

type Operator = 'eq' | 'not' | 'in' | 'exclude' | 'lt' | 'gt' | 'min' | 'max' | 'has';

interface Filter {
  field: string;
  operator: Operator;
  value: Json | Json[];
}

function matches(data: Data, filter: Filter): boolean {
  const value = lookup(data, filter.field);
  if (filter.operator === 'has') {
    const wanted = filter.value === true || filter.value === 1 || filter.value === 'true';
    return (value !== MISSING) === wanted;
  }
  if (value === MISSING) {
    return ['not', 'exclude', 'gt', 'min'].includes(filter.operator);
  }
  const against = filter.value;
  switch (filter.operator) {
    case 'eq':
      return compareJson(value, against as Json) === 0;
    case 'not':
      return compareJson(value, against as Json) !== 0;
    case 'in':
      return (against as Json[]).some((v) => compareJson(value, v) === 0);
    case 'exclude':
      return !(against as Json[]).some((v) => compareJson(value, v) === 0);
    case 'lt':
      return compareJson(value, against as Json) < 0;
    case 'gt':
      return compareJson(value, against as Json) > 0;
    case 'min':
      return compareJson(value, against as Json) >= 0;
    case 'max':
      return compareJson(value, against as Json) <= 0;
  }
}

interface Sort {
  field: string;
  direction: 1 | -1;
}

function compareBySort(a: Data, b: Data, sorting: Sort[]): number {
  for (const { field, direction } of sorting) {
    const va = lookup(a, field);
    const vb = lookup(b, field);
    let c: number;
    // SQL NULL (missing field) sorts last ascending, first descending.
    if (va === MISSING || vb === MISSING) c = va === vb ? 0 : va === MISSING ? 1 : -1;
    else c = compareJson(va, vb);
    if (c !== 0) return c * direction;
  }
  return 0;
}

/** Kinto's `dict_subset`: `a.b` keeps `{a: {b}}`, merging the parts of `a` asked for. */
function project(data: { [key: string]: Json }, fields: string[]): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of fields) {
    const dot = field.indexOf('.');
    if (dot < 0) {
      if (field in data) out[field] = data[field];
      continue;
    }
    const [head, rest] = [field.slice(0, dot), field.slice(dot + 1)];
    const child = data[head];
    if (child && typeof child === 'object' && !Array.isArray(child)) {
      const previous = (out[head] ?? {}) as { [key: string]: Json };
      const sub = project(child, [rest]);
      out[head] = { ...previous, ...sub };
    } else if (head in data) {
      out[head] = child;
    }
  }
  return out;
}

function mergeDefaults(target: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const existing = target[key];
      const child = existing && typeof existing === 'object' ? (existing as Record<string, unknown>) : {};
      target[key] = child;
      mergeDefaults(child, value as Record<string, unknown>);
    } else if (!(key in target)) {
      target[key] = value;
    }
  }
}

const lower = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

export class KintoDouble {
  readonly requests: RecordedRequest[] = [];
  onRequest: ((request: RecordedRequest) => void | Promise<void>) | null = null;
  private readonly buckets = new Map<string, BucketState>();
  private rootTimestamp = 0;
  private readonly users: Record<string, string>;
  private readonly batchMax: number;
  private server!: Server;
  private base = '';
  /** Added before every answer. */
  latencyMs = 0;
  private state: 'up' | 'down' | 'stalled' = 'up';
  private readonly waiting: Array<() => void> = [];

  private constructor(private readonly options: KintoDoubleOptions) {
    this.users = options.users ?? { wif: 'wif-secret' };
    this.batchMax = options.batchMaxRequests ?? 25;
  }

  static async start(options: KintoDoubleOptions = {}): Promise<KintoDouble> {
    const double = new KintoDouble(options);
    double.server = createServer((req, res) => void double.serve(req, res));
    await new Promise<void>((resolve) => double.server.listen(0, '127.0.0.1', resolve));
    const { port } = double.server.address() as AddressInfo;
    double.base = `http://127.0.0.1:${port}`;
    return double;
  }

  /** The API root, as KINTO_URL. */
  get url(): string {
    return `${this.base}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The server goes down: every request has its connection reset until `resume()`. */
  stop(): void {
    this.state = 'down';
  }

  /** The server hangs: requests are received but not answered until `resume()`, which then carries them out. */
  stall(): void {
    this.state = 'stalled';
  }

  private isDown(): boolean {
    return this.state === 'down';
  }

  resume(): void {
    this.state = 'up';
    for (const release of this.waiting.splice(0)) release();
  }

  /** A restart on an empty memory backend: buckets, collections and records are gone (accounts stay). */
  wipe(): void {
    this.buckets.clear();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Empties every collection, keeping buckets, collections and their permissions. */
  clearRecords(): void {
    for (const bucket of this.buckets.values()) {
      for (const collection of bucket.collections.values()) collection.records.clear();
    }
  }

  /** Direct read of the state, for assertions (no request recorded). */
  storedRecord(bucket: string, collection: string, id: string): Data | undefined {
    return this.buckets.get(bucket)?.collections.get(collection)?.records.get(id)?.data;
  }

  storedRecords(bucket: string, collection: string): Data[] {
    return [...(this.buckets.get(bucket)?.collections.get(collection)?.records.values() ?? [])].map((r) => r.data);
  }

  permissionsOf(bucket: string, collection?: string): Permissions | undefined {
    const b = this.buckets.get(bucket);
    return collection ? b?.collections.get(collection)?.object.permissions : b?.object.permissions;
  }

  /** Direct write of a record's fields (bumps its last_modified), to simulate another writer. */
  touchRecord(bucket: string, collection: string, id: string, changes: Record<string, Json>): void {
    const c = this.buckets.get(bucket)?.collections.get(collection);
    const record = c?.records.get(id);
    if (!c || !record) throw new Error(`no record ${bucket}/${collection}/${id}`);
    record.data = { ...record.data, ...changes, id, last_modified: this.bump(c) };
  }

  /** Grants a principal a permission directly (e.g. to simulate a bucket left public by the seed). */
  grant(bucket: string, collection: string | null, permission: string, principal: string): void {
    const b = this.buckets.get(bucket);
    const object = collection ? b?.collections.get(collection)?.object : b?.object;
    if (!object) throw new Error(`no ${bucket}/${collection}`);
    object.permissions[permission] = [...new Set([...(object.permissions[permission] ?? []), principal])];
  }

  /** Sub-requests of every recorded batch, flattened, with the `defaults` merged as the server merges them. */
  batchSubRequests(): Array<{ method: string; path: string; headers: Record<string, string>; body?: unknown }> {
    const out: Array<{ method: string; path: string; headers: Record<string, string>; body?: unknown }> = [];
    for (const request of this.requests) {
      if (request.method !== 'POST' || request.path !== '/v1/batch') continue;
      const body = request.body as { defaults?: Record<string, unknown>; requests: Array<Record<string, unknown>> };
      for (const sub of body.requests) {
        const merged = structuredClone(sub);
        if (body.defaults) mergeDefaults(merged, body.defaults);
        out.push({
          method: String(merged.method ?? 'GET'),
          path: String(merged.path),
          headers: lower((merged.headers as Record<string, unknown>) ?? {}),
          body: merged.body,
        });
      }
    }
    return out;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.state === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    const headers = lower(req.headers as Record<string, unknown>);
    let body: unknown = undefined;
    let reply: Reply;
    try {
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 106, 'Invalid JSON', 'body: Invalid JSON');
        }
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
      };
      this.requests.push(recorded);
      if (this.state === 'stalled') await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      await this.onRequest?.(recorded);
      reply = await this.run({
        method: recorded.method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
        contentType: headers['content-type'] ?? '',
        origin: `http://${headers.host ?? this.base.slice(7)}`,
      });
    } catch (error) {
      reply = this.errorReply(error);
    }
    // It may have gone down while this request waited.
    if (this.isDown() || res.destroyed) {
      req.socket.destroy();
      return;
    }
    const text = reply.body === undefined || req.method === 'HEAD' ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Access-Control-Expose-Headers':
        'Backoff, Retry-After, Alert, Content-Length, ETag, Next-Page, Total-Objects, Total-Records, Last-Modified',
      ...reply.headers,
    });
    res.end(text);
  }

  private errorReply(error: unknown): Reply {
    if (error instanceof HttpError) {
      return {
        status: error.status,
        headers: error.headers,
        body: {
          code: error.status,
          errno: error.errno,
          error: error.error,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
    }
    return {
      status: 500,
      headers: {},
      body: { code: 500, errno: 999, error: 'Internal Server Error', message: String(error) },
    };
  }

  /** A request, with the non-atomic precondition of a conditional write (see the class comment). */
  private async run(ctx: Context): Promise<Reply> {
    if (ctx.path.replace(/\/+$/, '') === '/v1/batch' && ctx.method === 'POST') return this.batch(ctx);
    const window = this.options.raceWindowMs ?? 5;
    const conditional = ctx.headers['if-match'] !== undefined || ctx.headers['if-none-match'] !== undefined;
    if (window <= 0 || !conditional || !['PUT', 'PATCH', 'DELETE'].includes(ctx.method)) return this.handle(ctx);
    try {
      return this.handle({ ...ctx, stage: 'check' });
    } catch (error) {
      if (!(error instanceof CheckPassed)) throw error;
    }
    await sleep(window);
    return this.handle({ ...ctx, stage: 'write' });
  }

  private handle(ctx: Context): Reply {
    const path = ctx.path.replace(/\/+$/, '');
    if (!path.startsWith('/v1')) throw notFound();
    const rest = path.slice(3);
    if (rest === '') {
      if (ctx.method !== 'GET') throw this.methodNotAllowed();
      return { status: 200, headers: {}, body: this.hello(ctx) };
    }
    // `/batch` is asynchronous (its sub-requests interleave with other requests): `run` answers it.
    if (rest === '/batch') throw this.methodNotAllowed();
    const parts = rest.split('/').slice(1).map(decodeURIComponent);
    const principals = this.authenticate(ctx);
    if (parts[0] !== 'buckets' || parts.length < 2 || parts.length === 3 || parts.length > 6) {
      throw notFound();
    }
    for (const id of [parts[1], parts[3], parts[5]]) {
      if (id !== undefined && !ID.test(id)) {
        throw invalid('path: Invalid object id', [{ location: 'path', name: 'id' }]);
      }
    }
    if (parts.length === 2) return this.bucketEndpoint(ctx, principals, parts[1]);
    if (parts[2] !== 'collections') throw notFound();
    if (parts.length === 4) return this.collectionEndpoint(ctx, principals, parts[1], parts[3]);
    if (parts[4] !== 'records') throw notFound();
    if (parts.length === 5) return this.pluralRecords(ctx, principals, parts[1], parts[3]);
    return this.recordEndpoint(ctx, principals, parts[1], parts[3], parts[5]);
  }

  private hello(ctx: Context): Record<string, unknown> {
    const principals = this.authenticate(ctx);
    const user = principals.find((p) => p.startsWith('account:'));
    return {
      project_name: 'kinto',
      project_version: '16.0.0',
      http_api_version: '1.22',
      project_docs: 'https://kinto.readthedocs.io/',
      url: `${ctx.origin}/v1/`,
      settings: {
        batch_max_requests: this.batchMax,
        readonly: this.options.readonly ?? false,
        explicit_permissions: true,
      },
      capabilities: { accounts: { description: 'Manage user accounts.', url: 'https://kinto.readthedocs.io/' } },
      ...(user ? { user: { id: user, principals } } : {}),
    };
  }

  private methodNotAllowed(): HttpError {
    return new HttpError(405, 115, 'Method Not Allowed', 'Method not allowed on this endpoint.');
  }

  /** Principals of the request. */
  private authenticate(ctx: Context): string[] {
    const header = ctx.headers.authorization;
    if (!header) return ['system.Everyone'];
    const m = /^Basic (.+)$/i.exec(header);
    if (!m) return ['system.Everyone'];
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const user = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    // Wrong credentials authenticate nobody: the request goes on as anonymous (hello has no `user`, protected
    // resources answer 401), as with Kinto's accounts policy.
    if (separator < 0 || this.users[user] === undefined || this.users[user] !== password) return ['system.Everyone'];
    return ['system.Everyone', 'system.Authenticated', `account:${user}`];
  }

  private denied(principals: string[]): HttpError {
    if (!principals.includes('system.Authenticated')) {
      return new HttpError(401, 104, 'Unauthorized', 'Please authenticate yourself to use this endpoint.');
    }
    return new HttpError(403, 121, 'Forbidden', 'This user cannot access this resource.');
  }

  private allowed(principals: string[], ...grants: Array<string[] | undefined>): boolean {
    return grants.some((g) => g?.some((p) => principals.includes(p)));
  }

  private everyone(): string[] | undefined {
    return this.options.everyoneReads ? ['system.Everyone'] : undefined;
  }

  private bump(state: { timestamp: number }): number {
    state.timestamp = Math.max(Date.now(), state.timestamp + 1);
    return state.timestamp;
  }

  private userId(principals: string[]): string {
    return principals.find((p) => p.startsWith('account:')) ?? 'system.Everyone';
  }

  private checkWritable(): void {
    if (this.options.readonly) throw this.methodNotAllowed();
  }

  /** Kinto's `_raise_412_if_modified`. */
  private precondition(ctx: Context, existing: KintoObject | undefined, current: number): void {
    if (ctx.stage === 'write') {
      // The check is behind us; only a creation meets a unique key.
      if (ctx.headers['if-none-match'] === '*' && existing) throw conflict();
      return;
    }
    this.checkPrecondition(ctx, existing, current);
    if (ctx.stage === 'check') throw new CheckPassed();
  }

  private checkPrecondition(ctx: Context, existing: KintoObject | undefined, current: number): void {
    const ifMatch = ctx.headers['if-match'];
    const ifNoneMatch = ctx.headers['if-none-match'];
    const parse = (value: string, name: string) => {
      if (value === '*') return '*';
      const m = /^"(\d+)"$/.exec(value);
      if (!m) throw invalid(`header: Invalid value for ${name}`);
      return Number(m[1]);
    };
    const match = ifMatch === undefined ? undefined : parse(ifMatch, 'If-Match');
    const noneMatch = ifNoneMatch === undefined ? undefined : parse(ifNoneMatch, 'If-None-Match');
    let expected: number | undefined;
    if (noneMatch === '*' && existing) expected = -1;
    else if (match !== undefined && !existing) expected = -1;
    else if (match !== undefined && match !== '*') expected = match;
    else return;
    const actual = existing ? existing.data.last_modified : current;
    if (actual !== expected) {
      throw new HttpError(
        412,
        114,
        'Precondition Failed',
        'Resource was modified meanwhile',
        existing ? { existing: existing.data } : {},
        { ETag: `"${actual}"` },
      );
    }
  }

  private dataOf(ctx: Context, id: string, existing?: Data): { [key: string]: Json } {
    const body = (ctx.body ?? {}) as { data?: unknown };
    if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body: Should be a mapping');
    const data = body.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('data: Should be a mapping');
    const given = data as { [key: string]: Json };
    if (given.id !== undefined && given.id !== id) {
      throw invalid('data.id: Record id does not match existing record', [{ location: 'body', name: 'data.id' }]);
    }
    const { last_modified: _ignored, ...rest } = given;
    void _ignored;
    return existing ? { ...existing, ...rest } : rest;
  }

  private permissionsOfBody(ctx: Context): Permissions | undefined {
    const body = ctx.body as { permissions?: unknown } | undefined;
    if (!body || body.permissions === undefined) return undefined;
    return body.permissions as Permissions;
  }

  private writePermissions(base: Permissions, given: Permissions | undefined, writer: string): Permissions {
    const out: Permissions = given ? structuredClone(given) : structuredClone(base);
    if (writer !== 'system.Everyone') out.write = [...new Set([...(out.write ?? []), writer])];
    return out;
  }

  /** JSON-Patch on permissions (`/permissions/<perm>/<principal>`), as kinto-http's add/removePermissions send. */
  private jsonPatch(ctx: Context, object: KintoObject): void {
    if (!Array.isArray(ctx.body)) throw invalid('body: Should be a list of operations');
    for (const op of ctx.body as Array<{ op: string; path: string; value?: Json }>) {
      const m = /^\/permissions\/([^/]+)\/(.+)$/.exec(op.path);
      if (m) {
        const [, permission, principal] = m;
        const current = new Set(object.permissions[permission] ?? []);
        if (op.op === 'add') current.add(principal);
        else if (op.op === 'remove') current.delete(principal);
        else throw invalid(`Unsupported JSON-Patch operation ${op.op}`);
        object.permissions[permission] = [...current];
        continue;
      }
      const d = /^\/data\/([^/]+)$/.exec(op.path);
      if (!d || d[1] === 'id' || d[1] === 'last_modified') throw invalid(`Unsupported JSON-Patch path ${op.path}`);
      if (op.op === 'remove') delete object.data[d[1]];
      else object.data[d[1]] = op.value ?? null;
    }
  }

  private objectReply(status: number, object: KintoObject): Reply {
    return {
      status,
      headers: { ETag: `"${object.data.last_modified}"` },
      body: { data: object.data, permissions: object.permissions },
    };
  }

  private bucketEndpoint(ctx: Context, principals: string[], bid: string): Reply {
    const bucket = this.buckets.get(bid);
    const read = () =>
      this.allowed(principals, bucket?.object.permissions.read, bucket?.object.permissions.write, this.everyone());
    const write = () => this.allowed(principals, bucket?.object.permissions.write);
    switch (ctx.method) {
      case 'GET':
        if (!bucket) throw principals.includes('system.Authenticated') ? notFound() : this.denied(principals);
        if (!read()) throw this.denied(principals);
        return this.objectReply(200, bucket.object);
      case 'PUT': {
        this.checkWritable();
        if (bucket ? !write() : !principals.includes('system.Authenticated')) throw this.denied(principals);
        this.precondition(ctx, bucket?.object, this.rootTimestamp);
        const data = { ...this.dataOf(ctx, bid), id: bid, last_modified: this.bump({ timestamp: this.rootTimestamp }) };
        this.rootTimestamp = data.last_modified;
        const permissions = this.writePermissions(
          bucket?.object.permissions ?? {},
          this.permissionsOfBody(ctx),
          this.userId(principals),
        );
        const object = { data, permissions };
        if (bucket) bucket.object = object;
        else this.buckets.set(bid, { object, collections: new Map(), timestamp: data.last_modified });
        return this.objectReply(bucket ? 200 : 201, object);
      }
      case 'PATCH': {
        this.checkWritable();
        if (!bucket) throw principals.includes('system.Authenticated') ? notFound() : this.denied(principals);
        if (!write()) throw this.denied(principals);
        this.precondition(ctx, bucket.object, this.rootTimestamp);
        this.patchObject(ctx, bucket.object, bid, principals, (o) => this.bump({ timestamp: o }));
        return this.objectReply(200, bucket.object);
      }
      case 'DELETE': {
        this.checkWritable();
        if (!bucket) throw principals.includes('system.Authenticated') ? notFound() : this.denied(principals);
        if (!write()) throw this.denied(principals);
        this.precondition(ctx, bucket.object, this.rootTimestamp);
        this.buckets.delete(bid);
        const last_modified = this.bump({ timestamp: this.rootTimestamp });
        this.rootTimestamp = last_modified;
        return { status: 200, headers: {}, body: { data: { id: bid, last_modified, deleted: true } } };
      }
      default:
        throw this.methodNotAllowed();
    }
  }

  private patchObject(
    ctx: Context,
    object: KintoObject,
    id: string,
    principals: string[],
    bump: (previous: number) => number,
  ): void {
    if (ctx.contentType.startsWith('application/json-patch+json')) {
      this.jsonPatch(ctx, object);
    } else {
      object.data = { ...this.dataOf(ctx, id, object.data), id, last_modified: object.data.last_modified };
      const given = this.permissionsOfBody(ctx);
      if (given) object.permissions = { ...object.permissions, ...given };
    }
    const writer = this.userId(principals);
    if (writer !== 'system.Everyone') {
      object.permissions.write = [...new Set([...(object.permissions.write ?? []), writer])];
    }
    object.data.last_modified = bump(object.data.last_modified);
  }

  private collectionEndpoint(ctx: Context, principals: string[], bid: string, cid: string): Reply {
    const bucket = this.buckets.get(bid);
    if (!bucket) throw principals.includes('system.Authenticated') ? notFound() : this.denied(principals);
    const collection = bucket.collections.get(cid);
    const bp = bucket.object.permissions;
    const cp = collection?.object.permissions;
    const read = this.allowed(principals, bp.read, bp.write, cp?.read, cp?.write, this.everyone());
    const write = this.allowed(principals, bp.write, cp?.write);
    switch (ctx.method) {
      case 'GET':
        if (!collection) throw this.allowed(principals, bp.read, bp.write) ? notFound() : this.denied(principals);
        if (!read) throw this.denied(principals);
        return this.objectReply(200, collection.object);
      case 'PUT': {
        this.checkWritable();
        const creatable = this.allowed(principals, bp.write, bp['collection:create']);
        if (collection ? !write : !creatable) throw this.denied(principals);
        this.precondition(ctx, collection?.object, bucket.timestamp);
        const data = { ...this.dataOf(ctx, cid), id: cid, last_modified: this.bump(bucket) };
        const permissions = this.writePermissions(cp ?? {}, this.permissionsOfBody(ctx), this.userId(principals));
        const object = { data, permissions };
        if (collection) collection.object = object;
        else bucket.collections.set(cid, { object, records: new Map(), timestamp: data.last_modified });
        return this.objectReply(collection ? 200 : 201, object);
      }
      case 'PATCH': {
        this.checkWritable();
        if (!collection) throw this.allowed(principals, bp.read, bp.write) ? notFound() : this.denied(principals);
        if (!write) throw this.denied(principals);
        this.precondition(ctx, collection.object, bucket.timestamp);
        this.patchObject(ctx, collection.object, cid, principals, () => this.bump(bucket));
        return this.objectReply(200, collection.object);
      }
      case 'DELETE': {
        this.checkWritable();
        if (!collection) throw this.allowed(principals, bp.read, bp.write) ? notFound() : this.denied(principals);
        if (!write) throw this.denied(principals);
        this.precondition(ctx, collection.object, bucket.timestamp);
        bucket.collections.delete(cid);
        return {
          status: 200,
          headers: {},
          body: { data: { id: cid, last_modified: this.bump(bucket), deleted: true } },
        };
      }
      default:
        throw this.methodNotAllowed();
    }
  }

  private collectionFor(
    principals: string[],
    bid: string,
    cid: string,
  ): { bucket: BucketState; collection: CollectionState } {
    const bucket = this.buckets.get(bid);
    // Kinto names the missing parent in `details`.
    if (!bucket) throw principals.includes('system.Authenticated') ? notFound('bucket', bid) : this.denied(principals);
    const collection = bucket.collections.get(cid);
    if (!collection) {
      const bp = bucket.object.permissions;
      throw this.allowed(principals, bp.read, bp.write) ? notFound('collection', cid) : this.denied(principals);
    }
    return { bucket, collection };
  }

  private recordEndpoint(ctx: Context, principals: string[], bid: string, cid: string, rid: string): Reply {
    const { bucket, collection } = this.collectionFor(principals, bid, cid);
    const bp = bucket.object.permissions;
    const cp = collection.object.permissions;
    const record = collection.records.get(rid);
    const rp = record?.permissions;
    const canRead = this.allowed(
      principals,
      bp.read,
      bp.write,
      cp.read,
      cp.write,
      rp?.read,
      rp?.write,
      this.everyone(),
    );
    const canWrite = this.allowed(principals, bp.write, cp.write, rp?.write);
    const canCreate = this.allowed(principals, bp.write, cp.write, cp['record:create']);
    const collectionReadable = this.allowed(principals, bp.read, bp.write, cp.read, cp.write, this.everyone());
    const missing = () => (collectionReadable ? notFound() : this.denied(principals));
    switch (ctx.method) {
      case 'GET':
        if (!record) throw missing();
        if (!canRead) throw this.denied(principals);
        return this.objectReply(200, record);
      case 'PUT': {
        this.checkWritable();
        if (record ? !canWrite : !canCreate) throw this.denied(principals);
        this.precondition(ctx, record, collection.timestamp);
        const data = { ...this.dataOf(ctx, rid), id: rid, last_modified: this.bump(collection) };
        const permissions = this.writePermissions(rp ?? {}, this.permissionsOfBody(ctx), this.userId(principals));
        const object = { data, permissions };
        collection.records.set(rid, object);
        return this.objectReply(record ? 200 : 201, object);
      }
      case 'PATCH': {
        this.checkWritable();
        if (!record) throw missing();
        if (!canWrite) throw this.denied(principals);
        this.precondition(ctx, record, collection.timestamp);
        this.patchObject(ctx, record, rid, principals, () => this.bump(collection));
        return this.objectReply(200, record);
      }
      case 'DELETE': {
        this.checkWritable();
        if (!record) throw missing();
        if (!canWrite) throw this.denied(principals);
        this.precondition(ctx, record, collection.timestamp);
        collection.records.delete(rid);
        const last_modified = this.bump(collection);
        return {
          status: 200,
          headers: { ETag: `"${last_modified}"` },
          body: { data: { id: rid, last_modified, deleted: true } },
        };
      }
      default:
        throw this.methodNotAllowed();
    }
  }

  private parseFilters(query: URLSearchParams): Filter[] {
    const filters: Filter[] = [];
    for (const [param, raw] of query) {
      if (param === '_since' || param === '_before') {
        const value = Number(raw.replace(/"/g, ''));
        if (!Number.isInteger(value)) throw invalid(`querystring: Invalid value for ${param}`);
        filters.push({ field: 'last_modified', operator: param === '_since' ? 'gt' : 'lt', value });
        continue;
      }
      if (param.startsWith('_')) continue;
      const m = /^(lt|min|max|not|eq|gt|in|exclude|has)_([\w.]+)$/.exec(param);
      const operator = (m ? m[1] : 'eq') as Operator;
      const field = m ? m[2] : param;
      if (!/^[\w.]+$/.test(field)) throw invalid(`querystring: Unknown filter field '${param}'`);
      const value = operator === 'in' || operator === 'exclude' ? raw.split(',').map(parseValue) : parseValue(raw);
      filters.push({ field, operator, value });
    }
    return filters;
  }

  private parseSort(query: URLSearchParams): Sort[] {
    const specified = (query.get('_sort') ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const sorting: Sort[] = [];
    for (const spec of specified) {
      const m = /^([-+]?)([\w.]+)$/.exec(spec);
      if (!m) throw invalid(`querystring: Unknown sort field '${spec}'`);
      sorting.push({ field: m[2], direction: m[1] === '-' ? -1 : 1 });
    }
    if (!sorting.some((s) => s.field === 'last_modified')) sorting.push({ field: 'last_modified', direction: -1 });
    return sorting;
  }

  private pluralRecords(ctx: Context, principals: string[], bid: string, cid: string): Reply {
    const { bucket, collection } = this.collectionFor(principals, bid, cid);
    const bp = bucket.object.permissions;
    const cp = collection.object.permissions;
    if (ctx.method === 'DELETE') return this.pluralDelete(ctx, principals, collection, bp, cp);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw this.methodNotAllowed();
    const all = this.allowed(principals, bp.read, bp.write, cp.read, cp.write, this.everyone());
    const filters = this.parseFilters(ctx.query);
    const sorting = this.parseSort(ctx.query);
    let records = [...collection.records.values()]
      .filter((r) => all || this.allowed(principals, r.permissions.read, r.permissions.write))
      .map((r) => r.data)
      .filter((data) => filters.every((f) => matches(data, f)));
    if (!all && !principals.includes('system.Authenticated')) throw this.denied(principals);
    const headers: Record<string, string> = {
      ETag: `"${collection.timestamp}"`,
      'Last-Modified': new Date(collection.timestamp).toUTCString(),
    };
    if (ctx.method === 'HEAD') {
      return {
        status: 200,
        headers: { ...headers, 'Total-Objects': String(records.length), 'Total-Records': String(records.length) },
      };
    }
    records.sort((a, b) => compareBySort(a, b, sorting));
    const token = ctx.query.get('_token');
    if (token) {
      let last: Record<string, Json>;
      try {
        last = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { last_object: Record<string, Json> })
          .last_object;
      } catch {
        throw invalid('querystring: _token has invalid content');
      }
      const pivot = { id: '', last_modified: 0, ...last } as Data;
      records = records.filter((r) => compareBySort(r, pivot, sorting) > 0);
    }
    const limitParam = ctx.query.get('_limit');
    let limit: number | null = null;
    if (limitParam !== null) {
      if (!/^\d+$/.test(limitParam)) throw invalid('querystring: _limit should be an integer');
      limit = Number(limitParam);
    }
    const paginateBy = this.options.paginateBy ?? null;
    if (limit && paginateBy) limit = Math.min(limit, paginateBy);
    else if (!limit && paginateBy) limit = paginateBy;
    const maxFetch = this.options.maxFetchSize ?? 10_000;
    limit = limit ? Math.min(limit, maxFetch) : maxFetch;
    const page = records.slice(0, limit);
    if (records.length > limit) {
      const lastRecord = page[page.length - 1];
      const lastObject: Record<string, Json> = {};
      for (const { field } of sorting) {
        const value = lookup(lastRecord, field);
        if (value !== MISSING) lastObject[field] = value;
      }
      const next = new URLSearchParams();
      for (const [k, v] of ctx.query) if (k !== '_limit' && k !== '_token') next.append(k, v);
      next.append('_limit', String(limit));
      next.append(
        '_token',
        Buffer.from(
          JSON.stringify({ last_object: lastObject, offset: 0, nonce: `pagination-token-${randomUUID()}` }),
        ).toString('base64'),
      );
      headers['Next-Page'] = `${ctx.origin}${ctx.path}?${next.toString()}`;
    }
    const fields = ctx.query.get('_fields');
    const projected = fields
      ? page.map((r) => project(r, ['id', 'last_modified', ...fields.split(',').map((f) => f.trim())]))
      : page;
    return { status: 200, headers, body: { data: projected } };
  }

  /** Deletes every record the filters select (no pagination: the double has no `paginate_by` for deletes). */
  private pluralDelete(
    ctx: Context,
    principals: string[],
    collection: CollectionState,
    bp: Permissions,
    cp: Permissions,
  ): Reply {
    this.checkWritable();
    if (!this.allowed(principals, bp.write, cp.write)) throw this.denied(principals);
    const filters = this.parseFilters(ctx.query);
    const deleted = [...collection.records.values()]
      .map((r) => r.data)
      .filter((data) => filters.every((f) => matches(data, f)))
      .map((data) => {
        collection.records.delete(data.id);
        return { id: data.id, last_modified: this.bump(collection), deleted: true };
      });
    return { status: 200, headers: {}, body: { data: deleted } };
  }

  private async batch(ctx: Context): Promise<Reply> {
    const body = ctx.body as { defaults?: unknown; requests?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body: Should be a mapping');
    for (const key of Object.keys(body)) {
      if (key !== 'defaults' && key !== 'requests') throw invalid(`body: Unrecognized key ${key}`);
    }
    if (!Array.isArray(body.requests)) throw invalid('body.requests: Required');
    const requests = structuredClone(body.requests) as Array<Record<string, unknown>>;
    if (body.defaults !== undefined) {
      for (const request of requests) mergeDefaults(request, body.defaults as Record<string, unknown>);
    }
    for (const request of requests) {
      if (typeof request.path !== 'string' || !request.path.startsWith('/')) {
        throw invalid('body.requests.path: Required');
      }
      const method = String(request.method ?? 'GET');
      if (!['GET', 'HEAD', 'DELETE', 'TRACE', 'POST', 'PUT', 'PATCH'].includes(method)) {
        throw invalid(`body.requests.method: "${method}" is not one of GET, HEAD, DELETE, TRACE, POST, PUT, PATCH`);
      }
      const headers = (request.headers ?? {}) as Record<string, unknown>;
      if (Object.values(headers).some((v) => typeof v !== 'string')) {
        throw invalid('body.requests.headers: contains non string value');
      }
    }
    if (requests.length > this.batchMax) {
      const description = `Number of requests is limited to ${this.batchMax}`;
      throw invalid(`requests in body: ${description}`, [{ location: 'body', name: 'requests', description }]);
    }
    if (requests.some((r) => (r.path as string).includes('/batch'))) {
      const description = 'Recursive call on /batch endpoint is forbidden.';
      throw invalid(`requests in body: ${description}`, [{ location: 'body', name: 'requests', description }]);
    }
    const responses: Array<{ status: number; path: string; body: unknown; headers: Record<string, string> }> = [];
    for (const request of requests) {
      let path = request.path as string;
      if (!path.startsWith('/v1')) path = `/v1${path}`;
      const url = new URL(path, this.base);
      const headers = { ...ctx.headers, ...lower((request.headers ?? {}) as Record<string, unknown>) };
      delete headers['content-length'];
      const sub: Context = {
        method: String(request.method ?? 'GET'),
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: request.body,
        contentType: headers['content-type'] ?? 'application/json',
        origin: ctx.origin,
      };
      let reply: Reply;
      try {
        reply = await this.run(sub);
      } catch (error) {
        reply = this.errorReply(error);
      }
      responses.push({
        status: reply.status,
        path: decodeURIComponent(url.pathname),
        body: reply.body ?? '',
        headers: reply.headers,
      });
    }
    return { status: 200, headers: {}, body: { responses } };
  }
}
