import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { buildSchema, DocumentNode, execute, GraphQLError, GraphQLSchema, parse, validate } from 'graphql';

/**
 * A stand-in for the DS GraphQL API on loopback: DS's public schema (test/fixtures/ds-graphql-schema.graphql, copied
 * from the demarches-simplifiees repository) served by graphql-js, so that it accepts exactly the queries DS accepts,
 * with resolvers over dossiers held in memory. It reproduces what the import must cope with: keyset cursors ordered
 * by modification date with `updatedSince`, the last page served again when a cursor has nothing after it, deleted
 * dossiers, root errors, HTTP 403/429/5xx, slow answers and a server that goes away.
 */

/** A dossier as the API answers it (any subset of the schema's `Dossier` fields the queries ask for). */
export type DsNode = Record<string, unknown> & { number: number };

export interface FakeDossier {
  demarche: number;
  number: number;
  /** `dateDerniereModification`; the order of `dossiers(updatedSince:)`. */
  updatedAt: string;
  /** The node, or a function building it on demand (large benchmark sets). */
  node: DsNode | (() => DsNode);
}

export interface FakeDeletion {
  demarche: number;
  number: number;
  dateSupression: string;
  state?: string;
  reason?: string;
}

export interface SeenRequest {
  operationName: string | null;
  variables: Record<string, unknown>;
  authorization: string | undefined;
  userAgent: string | undefined;
}

/** What to answer instead of the data, for one request. */
export type Fault =
  { status: number; retryAfter?: string } | { rootError: string } | { delayMs: number } | { destroy: true };

const SCHEMA_FILE = join(__dirname, '..', 'fixtures', 'ds-graphql-schema.graphql');
let schemaCache: GraphQLSchema | null = null;
const dsSchema = () => (schemaCache ??= buildSchema(readFileSync(SCHEMA_FILE, 'utf8')));

type Key = [number, number];
const compare = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1];
const encodeCursor = (key: Key) => Buffer.from(JSON.stringify(key)).toString('base64url');
function decodeCursor(cursor: string): Key {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(key) && key.length === 2 && key.every((n) => typeof n === 'number')) return key as Key;
  } catch {
    // answered below
  }
  throw new GraphQLError('Invalid cursor', { extensions: { code: 'bad_request' } });
}

/** First index whose key is greater than `key`, in a list sorted by key. */
function upperBound<T>(list: T[], key: Key, keyOf: (item: T) => Key): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(keyOf(list[mid]), key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundTime<T>(list: T[], ms: number, keyOf: (item: T) => Key): number {
  return upperBound(list, [ms, -Infinity], keyOf);
}

const MAX_PAGE = 100;

export class FakeDsServer {
  /** Per démarche, sorted by (modification time, number). */
  private readonly dossiers = new Map<number, Array<FakeDossier & { ms: number }>>();
  private deletions: Array<FakeDeletion & { ms: number }> = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private readonly documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  readonly requests: SeenRequest[] = [];
  /** Decides, before each request is answered, whether it fails instead (index counts from 0). */
  faults: ((request: SeenRequest, index: number) => Fault | undefined) | null = null;
  /** Called after each answer is sent. */
  afterAnswer: ((request: SeenRequest, index: number) => void) | null = null;

  /** `token` and `demarches` (those DS knows) may change during a test. */
  constructor(
    public token: string,
    readonly demarches: Set<number>,
  ) {
    for (const d of demarches) this.dossiers.set(d, []);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v2/graphql`;
  }

  /** Adds or replaces (by number) a dossier; give a later `updatedAt` to model a modification. */
  put(dossier: FakeDossier): void {
    const list = this.dossiers.get(dossier.demarche);
    if (!list || !this.demarches.has(dossier.demarche)) throw new Error(`unknown démarche ${dossier.demarche}`);
    const at = list.findIndex((d) => d.number === dossier.number);
    if (at >= 0) list.splice(at, 1);
    const entry = { ...dossier, ms: Date.parse(dossier.updatedAt) };
    list.splice(
      upperBound(list, [entry.ms, entry.number], (d) => [d.ms, d.number]),
      0,
      entry,
    );
  }

  /** Appends a dossier known to sort after every other one of its démarche (cheap, for large sets). */
  append(dossier: FakeDossier): void {
    this.dossiers.get(dossier.demarche)!.push({ ...dossier, ms: Date.parse(dossier.updatedAt) });
  }

  remove(demarche: number, number: number, dateSupression: string): void {
    const list = this.dossiers.get(demarche)!;
    const at = list.findIndex((d) => d.number === number);
    if (at >= 0) list.splice(at, 1);
    const entry = { demarche, number, dateSupression, ms: Date.parse(dateSupression) };
    this.deletions.push(entry);
    this.deletions.sort((a, b) => compare([a.ms, a.number], [b.ms, b.number]));
  }

  clear(): void {
    for (const d of this.demarches) this.dossiers.set(d, []);
    this.deletions = [];
    this.requests.length = 0;
    this.faults = null;
    this.afterAnswer = null;
  }

  count(demarche: number): number {
    return this.dossiers.get(demarche)?.length ?? 0;
  }

  /** Listens on loopback; on the same port as before after a `stop()`, as a restarted server would. */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes away at once: open connections are cut and new ones refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { query?: string; operationName?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return this.send(res, 400, { errors: [{ message: 'Invalid JSON', extensions: { code: 'bad_request' } }] });
    }
    const seen: SeenRequest = {
      operationName: body.operationName ?? null,
      variables: body.variables ?? {},
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
    };
    const index = this.requests.push(seen) - 1;
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(res, 403, {
        errors: [{ message: 'Without a token, only persisted queries are allowed', extensions: { code: 'forbidden' } }],
      });
    }
    const fault = this.faults?.(seen, index);
    if (fault && 'destroy' in fault) return void req.socket.destroy();
    if (fault && 'status' in fault) {
      const headers = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : undefined;
      return this.send(res, fault.status, { errors: [{ message: 'Too many requests or server error' }] }, headers);
    }
    if (fault && 'rootError' in fault) {
      return this.send(res, 200, {
        data: null,
        errors: [{ message: `Simulated ${fault.rootError}`, extensions: { code: fault.rootError } }],
      });
    }
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    const document = this.document(body.query ?? '');
    const result =
      document instanceof Array
        ? { errors: document, data: undefined }
        : await execute({
            schema: dsSchema(),
            document,
            variableValues: body.variables,
            operationName: body.operationName,
            rootValue: { demarche: ({ number }: { number: number }) => this.demarche(number) },
          });
    const errors = result.errors?.map((e) => ({
      message: e.message,
      // Errors graphql-js raises itself (an unknown field, a wrong argument type) are DS's graphql_parse_error.
      extensions: { code: 'graphql_parse_error', ...(e.extensions ?? {}) },
    }));
    if (res.destroyed) return;
    this.send(res, 200, errors ? { data: result.data ?? null, errors } : { data: result.data });
    this.afterAnswer?.(seen, index);
  }

  /** The parsed and validated query, or its errors; kept per query text, as a real server caches them. */
  private document(query: string): DocumentNode | readonly GraphQLError[] {
    let found = this.documents.get(query);
    if (!found) {
      try {
        const document = parse(query);
        const errors = validate(dsSchema(), document);
        found = errors.length ? errors : document;
      } catch (error) {
        found = [error as GraphQLError];
      }
      this.documents.set(query, found);
    }
    return found;
  }

  private send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
  }

  private demarche(number: number) {
    if (!this.demarches.has(number)) {
      throw new GraphQLError(`Demarche not found`, { extensions: { code: 'not_found' } });
    }
    return {
      id: Buffer.from(`Procedure-${number}`).toString('base64'),
      number,
      dossiers: (args: { updatedSince?: string; first?: number; after?: string }) => this.dossierPage(number, args),
      deletedDossiers: (args: { deletedSince?: string; first?: number; after?: string }) =>
        this.deletedPage(number, args),
    };
  }

  private dossierPage(demarche: number, args: { updatedSince?: string; first?: number; after?: string }) {
    const all = this.dossiers.get(demarche)!;
    // Without updatedSince DS orders by creation; the import always gives it, so a number order is enough here.
    const ordered = args.updatedSince ? all : [...all].sort((a, b) => a.number - b.number);
    const keyOf = (d: { ms: number; number: number }): Key => (args.updatedSince ? [d.ms, d.number] : [0, d.number]);
    const from = args.updatedSince ? lowerBoundTime(ordered, Date.parse(args.updatedSince), keyOf) : 0;
    // DS caps `first` at 100 without saying so.
    const size = Math.min(Math.max(args.first ?? MAX_PAGE, 1), MAX_PAGE);
    let start = args.after ? Math.max(from, upperBound(ordered, decodeCursor(args.after), keyOf)) : from;
    // A cursor with nothing after it gives the last page again, as DS does.
    if (args.after && start >= ordered.length) start = Math.max(from, ordered.length - size);
    const slice = ordered.slice(start, start + size);
    const last = slice[slice.length - 1];
    return {
      pageInfo: {
        hasNextPage: start + size < ordered.length,
        hasPreviousPage: start > from,
        endCursor: last ? encodeCursor(keyOf(last)) : null,
        startCursor: slice[0] ? encodeCursor(keyOf(slice[0])) : null,
      },
      nodes: slice.map((d) => (typeof d.node === 'function' ? d.node() : d.node)),
    };
  }

  private deletedPage(demarche: number, args: { deletedSince?: string; first?: number; after?: string }) {
    const since = args.deletedSince ? Date.parse(args.deletedSince) : -Infinity;
    const list = this.deletions.filter((d) => d.demarche === demarche && d.ms >= since);
    const keyOf = (d: { ms: number; number: number }): Key => [d.ms, d.number];
    const size = Math.min(Math.max(args.first ?? MAX_PAGE, 1), MAX_PAGE);
    const start = args.after ? upperBound(list, decodeCursor(args.after), keyOf) : 0;
    const slice = list.slice(start, start + size);
    const last = slice[slice.length - 1];
    return {
      pageInfo: {
        hasNextPage: start + size < list.length,
        hasPreviousPage: start > 0,
        endCursor: last ? encodeCursor(keyOf(last)) : null,
        startCursor: slice[0] ? encodeCursor(keyOf(slice[0])) : null,
      },
      nodes: slice.map((d) => ({
        id: `deleted-${d.number}`,
        number: d.number,
        dateSupression: d.dateSupression,
        state: d.state ?? 'en_construction',
        reason: d.reason ?? 'user_request',
      })),
    };
  }
}
