import { createHash } from 'node:crypto';
import { Collection } from 'kinto-http';
import { KINTO_ID, KintoCollectionName, KintoConnection } from './kinto-client.provider';

/** What Kinto adds to every record. */
export interface KintoMeta {
  id: string;
  last_modified: number;
}
export type Stored<T> = T & KintoMeta;

export type FilterValue = string | number | boolean;
/**
 * Kinto filters (`field`, `in_field`, `lt_field`, `gt_field`, `not_field`, …). Strings are sent JSON-quoted so that
 * the server never reads `"2021"` or `"true"` as a number or a boolean (it parses every filter value as JSON).
 */
export type KintoFilters = Record<string, FilterValue | readonly FilterValue[]>;

export interface ListQuery {
  filters?: KintoFilters;
  /** Fields, `-` for descending; Kinto appends `-last_modified` as the final tie-breaker. */
  sort?: string[];
  /** Only these fields (plus `id` and `last_modified`, which Kinto always returns). */
  fields?: string[];
  /** Records per page; the connection's page size by default. */
  pageSize?: number;
  /** Only the records changed after this collection ETag (`_since`). */
  since?: string;
}

/** One write inside a `/batch`: the same requests as the single-record methods, many per round trip. */
export type BatchWrite =
  | { method: 'PUT'; id: string; data: object; ifMatch?: number; ifNoneMatch?: boolean }
  | { method: 'PATCH'; id: string; data: object; ifMatch?: number }
  | { method: 'DELETE'; id: string; ifMatch?: number };

/** Kinto's documented limit of sub-requests per `/batch` (`batch_max_requests`, 25 by default). */
export const KINTO_BATCH_LIMIT = 25;

const RESERVED = /batch/i;
/** Ids per `in_id` read: 100 ids of ~45 characters keep the URL under 5 KB. */
const IDS_PER_READ = 100;

/**
 * A record id in Kinto's alphabet, derived from a natural key so that writing the same thing twice writes the same
 * record (Kinto has no unique constraint on data). A key already in the alphabet stays readable in kinto-admin
 * (`vc-14131-4518237`, `al-14131-1-closedWithSupOneYear`): only the first part may contain `-`, so the parts can be
 * told apart again from the right. Any other key is hashed (`vc_` + sha1 hex of the parts), with `_` after the
 * prefix so that the two forms never collide. No id may contain "batch": Kinto rejects any `/batch` sub-request
 * whose path does.
 */
export function kintoId(prefix: string, ...parts: Array<string | number>): string {
  if (!/^[a-z]+$/.test(prefix) || RESERVED.test(prefix)) throw new Error(`bad Kinto id prefix: ${prefix}`);
  const texts = parts.map(String);
  const key = texts.join('-');
  const readable =
    texts.length > 0 &&
    /^[a-zA-Z0-9_-]+$/.test(texts[0]) &&
    texts.slice(1).every((t) => /^[a-zA-Z0-9_]+$/.test(t)) &&
    key.length <= 200 &&
    !RESERVED.test(key);
  if (readable) return `${prefix}-${key}`;
  return `${prefix}_${createHash('sha1').update(JSON.stringify(texts)).digest('hex')}`;
}

/** Canonical JSON (object keys sorted), so that equal contents hash equally whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The hash stored with a record's content: a run compares it with what it would write and skips equal records, so a
 * steady-state run sends (almost) no writes.
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('base64url').slice(0, 22);
}

/** Guards every request path we build: a malformed id would address another resource, or break a whole batch. */
export function assertRecordId(id: string): void {
  if (!KINTO_ID.test(id) || RESERVED.test(id)) throw new Error(`invalid Kinto record id: ${JSON.stringify(id)}`);
}

/** The HTTP status of a kinto-http error, if the server answered. */
export function kintoStatus(error: unknown): number | undefined {
  const response = (error as { response?: { status?: unknown } } | null)?.response;
  return typeof response?.status === 'number' ? response.status : undefined;
}

/**
 * The bucket or a collection is gone (a Kinto restarted empty): 404 naming a bucket or collection, or 403, which is
 * how Kinto answers a read under a bucket that does not exist.
 */
export function lostParent(error: unknown): boolean {
  const status = kintoStatus(error);
  if (status === 403) return true;
  if (status !== 404) return false;
  const details = (error as { data?: { details?: { resource_name?: unknown } } }).data?.details;
  return details?.resource_name === 'bucket' || details?.resource_name === 'collection';
}

/** A record that is not there (as opposed to its bucket or collection). */
const missingRecord = (error: unknown) => kintoStatus(error) === 404 && !lostParent(error);

function encodeFilters(filters: KintoFilters = {}): Record<string, string | number> {
  const encode = (v: FilterValue) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (Array.isArray(value)) {
      // An empty `in_` list matches nothing; callers skip the request instead.
      if (value.length === 0) throw new Error(`empty ${key} filter`);
      out[key] = value.map(encode).join(',');
    } else {
      out[key] = encode(value as FilterValue);
    }
  }
  return out;
}

export class KintoBatchError extends Error {}

/** 412 (the id was taken before our check) or 409 (taken between our check and our write). */
export const lostCreation = (status: number | undefined) => status === 412 || status === 409;

/**
 * The records of one collection of the bucket, through kinto-http. Only the Kinto repositories use it: it is their
 * equivalent of a Drizzle table handle.
 */
export class KintoRecords<T extends object> {
  constructor(
    private readonly kinto: KintoConnection,
    readonly name: KintoCollectionName,
  ) {}

  private collection(): Collection {
    return this.kinto.collection(this.name);
  }

  /** Runs a request again once the bucket and collections were re-created, if it failed for their absence. */
  private async repaired<R>(request: () => Promise<R>): Promise<R> {
    try {
      return await request();
    } catch (error) {
      if (!lostParent(error) || !(await this.kinto.repair())) throw error;
      return request();
    }
  }

  get(id: string): Promise<Stored<T> | null> {
    assertRecordId(id);
    return this.repaired(async () => {
      try {
        const { data } = await this.collection().getRecord<T>(id);
        return data as unknown as Stored<T>;
      } catch (error) {
        if (missingRecord(error)) return null;
        throw error;
      }
    });
  }

  /** PUT by id, replacing whatever was there (last writer wins, like an upsert). */
  put(id: string, data: T): Promise<Stored<T>> {
    assertRecordId(id);
    return this.repaired(async () => {
      const { data: stored } = await this.collection().updateRecord<T>({ ...data, id });
      return stored as unknown as Stored<T>;
    });
  }

  /**
   * PUT with `If-None-Match: *`: creates the record only if the id is free; null if it exists. This is the one atomic
   * decision Kinto offers (a unique key in its database): of two overlapping creations one wins, and the other gets
   * 412, or 409 when both had passed the precondition check, which counts as the same defeat.
   */
  create(id: string, data: T): Promise<Stored<T> | null> {
    assertRecordId(id);
    return this.repaired(async () => {
      try {
        const { data: stored } = await this.collection().createRecord({ ...data, id }, { safe: true });
        return stored as unknown as Stored<T>;
      } catch (error) {
        if (lostCreation(kintoStatus(error))) return null;
        throw error;
      }
    });
  }

  /** PUT with `If-Match` on the version read: null if someone changed (or deleted) the record meanwhile. */
  async replace(id: string, data: T, ifMatch: number): Promise<Stored<T> | null> {
    assertRecordId(id);
    try {
      const { data: stored } = await this.collection().updateRecord<T>(
        { ...data, id },
        { safe: true, last_modified: ifMatch },
      );
      return stored as unknown as Stored<T>;
    } catch (error) {
      if (kintoStatus(error) === 412) return null;
      throw error;
    }
  }

  /** PATCH (shallow merge), with `If-Match` when given; null if the record is gone or changed meanwhile. */
  patch(id: string, changes: Partial<T>, ifMatch?: number): Promise<Stored<T> | null> {
    assertRecordId(id);
    return this.repaired(async () => {
      try {
        const { data: stored } = await this.collection().updateRecord<Partial<T>>(
          { ...changes, id },
          ifMatch === undefined ? { patch: true } : { patch: true, safe: true, last_modified: ifMatch },
        );
        return stored as unknown as Stored<T>;
      } catch (error) {
        if (missingRecord(error) || kintoStatus(error) === 412) return null;
        throw error;
      }
    });
  }

  /** DELETE, with `If-Match` when given; false if the record was already gone or changed meanwhile. */
  delete(id: string, ifMatch?: number): Promise<boolean> {
    assertRecordId(id);
    return this.repaired(async () => {
      try {
        await this.collection().deleteRecord(id, ifMatch === undefined ? {} : { safe: true, last_modified: ifMatch });
        return true;
      } catch (error) {
        if (missingRecord(error) || kintoStatus(error) === 412) return false;
        throw error;
      }
    });
  }

  /** Page after page (`_limit`, then each `Next-Page`), filtered and sorted by the server. */
  async *pages(query: ListQuery = {}): AsyncGenerator<Array<Stored<T>>> {
    let page = await this.repaired(() => this.firstPage(query));
    yield page.data;
    while (page.hasNextPage) {
      page = await page.next();
      yield page.data;
    }
  }

  private firstPage(query: ListQuery) {
    return this.collection().listRecords<Stored<T> & { [key: string]: unknown }>({
      filters: encodeFilters(query.filters),
      sort: (query.sort ?? ['-last_modified']).join(','),
      limit: query.pageSize ?? this.kinto.settings.pageSize,
      fields: query.fields,
      since: query.since,
    });
  }

  /** The records of these ids that exist, by id (`in_id` reads, primary-key lookups on the server). */
  async byIds(ids: readonly string[], fields?: string[]): Promise<Map<string, Stored<T>>> {
    const found = new Map<string, Stored<T>>();
    const unique = [...new Set(ids)];
    for (const id of unique) assertRecordId(id);
    for (let i = 0; i < unique.length; i += IDS_PER_READ) {
      const chunk = unique.slice(i, i + IDS_PER_READ);
      for (const record of await this.all({ filters: { in_id: chunk }, fields, pageSize: chunk.length })) {
        found.set(record.id, record);
      }
    }
    return found;
  }

  /** Every matching record (bounded by what the filters select). */
  async all(query: ListQuery = {}): Promise<Array<Stored<T>>> {
    const all: Array<Stored<T>> = [];
    for await (const page of this.pages(query)) all.push(...page);
    return all;
  }

  /** The first `limit` records in the query's order (one request, unless the server pages below `limit`). */
  async first(limit: number, query: Omit<ListQuery, 'pageSize'> = {}): Promise<Array<Stored<T>>> {
    // `_limit=0` would mean "no limit" to Kinto.
    if (limit <= 0) return [];
    const found: Array<Stored<T>> = [];
    for await (const page of this.pages({ ...query, pageSize: limit })) {
      found.push(...page);
      if (found.length >= limit) break;
    }
    return found.slice(0, limit);
  }

  /** HEAD with the filters: the server counts (`Total-Records`), nothing is transferred. */
  async count(filters: KintoFilters = {}): Promise<number> {
    const path = `/buckets/${this.kinto.bucket}/collections/${this.name}/records`;
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(encodeFilters(filters))) query[key] = String(value);
    const head = () =>
      this.kinto.client.execute(
        { method: 'HEAD', path, headers: { Authorization: this.kinto.authorization } },
        { raw: true, query },
      ) as Promise<{ headers: { get(name: string): string | null } }>;
    let headers: { get(name: string): string | null };
    try {
      ({ headers } = await head());
    } catch (error) {
      // A HEAD answer has no body to tell a missing bucket from a missing collection: both mean "bootstrap again".
      const status = kintoStatus(error);
      if ((status !== 403 && status !== 404) || !(await this.kinto.repair())) throw error;
      ({ headers } = await head());
    }
    const total = headers.get('Total-Objects') ?? headers.get('Total-Records');
    if (total === null || !/^\d+$/.test(total)) throw new Error(`Kinto gave no record count for ${this.name}`);
    return Number(total);
  }

  /**
   * Sends the writes in `/batch` requests of at most 25, and returns each write's HTTP status in order. Kinto runs
   * the sub-requests one by one and answers each (a 412 or a 404 does not stop the others); any other failure
   * throws, since the caller cannot know which of its writes were meant to be optional.
   */
  async batch(writes: BatchWrite[], accepted: readonly number[] = []): Promise<number[]> {
    const statuses: number[] = [];
    for (const write of writes) assertRecordId(write.id);
    for (let start = 0; start < writes.length; start += KINTO_BATCH_LIMIT) {
      const chunk = writes.slice(start, start + KINTO_BATCH_LIMIT);
      const send = async () =>
        (await this.collection().batch((b) => {
          for (const write of chunk) void this.queue(b, write);
        })) as Array<{ status: number; path: string; body?: { message?: string } }>;
      let responses = await send();
      // Every sub-request refused for want of the bucket or collection: none was applied, so all are sent again.
      const orphaned = (r: { status: number; body?: unknown }) => lostParent({ response: r, data: r.body });
      if (responses.length > 0 && responses.every(orphaned) && (await this.kinto.repair())) responses = await send();
      if (!Array.isArray(responses) || responses.length !== chunk.length) {
        throw new KintoBatchError(`Kinto answered ${responses?.length} responses to ${chunk.length} requests`);
      }
      for (const [i, response] of responses.entries()) {
        // A creation lost to an overlapping one is answered 409 instead of 412: the same outcome for the caller.
        if (
          response.status === 409 &&
          chunk[i].method === 'PUT' &&
          (chunk[i] as { ifNoneMatch?: boolean }).ifNoneMatch
        ) {
          response.status = 412;
        }
        const ok = response.status >= 200 && response.status < 300;
        if (!ok && !accepted.includes(response.status)) {
          throw new KintoBatchError(
            `Kinto refused ${chunk[i].method} ${response.path}: HTTP ${response.status} ${response.body?.message ?? ''}`.trim(),
          );
        }
        statuses.push(response.status);
      }
    }
    return statuses;
  }

  private queue(b: Collection, write: BatchWrite): Promise<unknown> {
    switch (write.method) {
      case 'PUT':
        if (write.ifNoneMatch) return b.createRecord({ ...write.data, id: write.id }, { safe: true });
        return b.updateRecord(
          { ...write.data, id: write.id },
          write.ifMatch === undefined ? {} : { safe: true, last_modified: write.ifMatch },
        );
      case 'PATCH':
        return b.updateRecord(
          { ...write.data, id: write.id },
          write.ifMatch === undefined ? { patch: true } : { patch: true, safe: true, last_modified: write.ifMatch },
        );
      case 'DELETE':
        return b.deleteRecord(
          write.id,
          write.ifMatch === undefined ? {} : { safe: true, last_modified: write.ifMatch },
        );
    }
  }
}
