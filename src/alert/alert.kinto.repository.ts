import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { BatchWrite, KintoFilters, KintoRecords, Stored, kintoId } from '../kinto/kinto-records';
import { Alert, AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';
import { ALERT_TYPES } from './alert-type';
import { AlertRepository } from './alert.repository';
import { ALERT_REFRESHED, AlertRefreshedRow, AlertRow, fromAlertRow, toAlertRow } from './alert.row';

/**
 * A record of `alerts`, one per (ds_key, alert_type): the `alert` table's row (instants as epoch ms), its id being
 * Kinto's own.
 */
type AlertRecord = Omit<AlertRow<number>, 'id'> & {
  /** `open` or `resolved`: an equality filter, where "resolved_at is null" would depend on JSON-null semantics. */
  status: 'open' | 'resolved';
};

export const alertId = (dsKey: string, alertType: string) => kintoId('al', dsKey, alertType);

const refreshed = (a: Alert): AlertRefreshedRow<number> => {
  const row = toAlertRow(a, (d) => d.getTime());
  return Object.fromEntries(ALERT_REFRESHED.map((key) => [key, row[key]])) as AlertRefreshedRow<number>;
};

const sameRefreshed = (record: AlertRecord, next: AlertRefreshedRow<number>) =>
  ALERT_REFRESHED.every((key) => JSON.stringify(record[key] ?? null) === JSON.stringify(next[key]));

const toAlert = (r: Stored<AlertRecord>): StoredAlert => fromAlertRow(r, (ms) => new Date(ms));

function filters(filter: AlertFilter): KintoFilters {
  const out: KintoFilters = {};
  if (filter.groupId !== undefined) out.group_id = filter.groupId;
  if (filter.alertType !== undefined) out.alert_type = filter.alertType;
  if (filter.status !== undefined) out.status = filter.status;
  return out;
}

const ORDER = ['ds_key', 'alert_type'];

/**
 * Alerts on Kinto. Saving a batch compares the evaluations with the stored alerts, then writes only what changed:
 * new alerts with `If-None-Match: *`, refreshed, reopened and resolved ones with a PATCH. The stored alerts are read
 * once per run (all of them, a few pages) rather than once per batch: every Kinto request costs tens of milliseconds
 * whatever its size, and the alert job is their only writer, under its lock, one run at a time. PATCHes carry no
 * `If-Match`: Kinto does not check it atomically, so it would not protect more than the lock already does.
 */
@Injectable()
export class KintoAlertRepository extends AlertRepository {
  private readonly records: KintoRecords<AlertRecord>;
  /** The stored alerts as of the run `at`, kept up to date with this repository's own writes. */
  private mirror: { at: number; records: Map<string, AlertRecord & { id: string }> } | null = null;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'alerts');
  }

  /** Forgets what was read: the next save reads the collection again. */
  dropCache(): void {
    this.mirror = null;
  }

  private async stored(at: number): Promise<Map<string, AlertRecord & { id: string }>> {
    if (this.mirror?.at !== at) {
      const records = new Map<string, AlertRecord & { id: string }>();
      for (const record of await this.records.all()) records.set(record.id, record);
      this.mirror = { at, records };
    }
    return this.mirror.records;
  }

  async saveEvaluations(evaluations: DossierAlerts[], at: Date): Promise<SaveOutcome> {
    if (evaluations.length === 0) return { changed: 0, resolved: 0 };
    const stamp = at.getTime();
    const dsKeys = new Set(evaluations.map((e) => e.dsKey));
    const all = await this.stored(stamp);
    const stored = new Map([...all].filter(([, record]) => dsKeys.has(record.ds_key)));
    const writes: BatchWrite[] = [];
    const after = new Map<string, AlertRecord & { id: string }>();
    let changed = 0;
    let resolved = 0;
    const raised = new Set<string>();
    for (const alert of evaluations.flatMap((e) => e.alerts)) {
      const id = alertId(alert.dsKey, alert.alertType);
      if (raised.has(id)) continue;
      raised.add(id);
      const next = refreshed(alert);
      const existing = stored.get(id);
      if (!existing) {
        const data: AlertRecord = {
          ds_key: alert.dsKey,
          alert_type: alert.alertType,
          ...next,
          detected_at: stamp,
          resolved_at: null,
          status: 'open',
          updated_at: stamp,
        };
        writes.push({ method: 'PUT', id, data, ifNoneMatch: true });
        after.set(id, { ...data, id });
        changed += 1;
      } else if (existing.status === 'resolved' || !sameRefreshed(existing, next)) {
        const changes: Partial<AlertRecord> = { ...next, resolved_at: null, status: 'open', updated_at: stamp };
        writes.push({ method: 'PATCH', id, data: changes });
        after.set(id, { ...existing, ...changes });
        changed += 1;
      }
    }
    for (const record of stored.values()) {
      if (record.status === 'open' && !raised.has(record.id)) {
        const changes: Partial<AlertRecord> = { resolved_at: stamp, status: 'resolved', updated_at: stamp };
        writes.push({ method: 'PATCH', id: record.id, data: changes });
        after.set(record.id, { ...record, ...changes });
        resolved += 1;
      }
    }
    try {
      await this.records.batch(writes);
    } catch (error) {
      // Some writes may have gone through: read again next time.
      this.mirror = null;
      throw error;
    }
    for (const [id, record] of after) all.set(id, record);
    return { changed, resolved };
  }

  async deleteAll(): Promise<number> {
    this.mirror = null;
    const all = await this.records.all({ fields: ['ds_key'] });
    const statuses = await this.records.batch(
      all.map((r) => ({ method: 'DELETE', id: r.id })),
      [404],
    );
    return statuses.filter((s) => s === 200).length;
  }

  count(filter: AlertFilter): Promise<number> {
    return this.records.count(filters(filter));
  }

  /** Kinto does not group: one count per type, at once. */
  async countOpenByType(groupId?: string): Promise<Map<string, number>> {
    const counts = await Promise.all(
      ALERT_TYPES.map((alertType) => this.count({ groupId, alertType, status: 'open' })),
    );
    return new Map(ALERT_TYPES.map((type, i) => [type, counts[i]]));
  }

  /**
   * Kinto pages with tokens, not offsets: the keys of the first `offset + limit` alerts are read (small records,
   * `_fields`), then the page's alerts themselves by id.
   */
  async findPage(filter: AlertFilter, offset: number, limit: number): Promise<StoredAlert[]> {
    if (limit <= 0) return [];
    const keys = await this.records.first(offset + limit, { filters: filters(filter), sort: ORDER, fields: ORDER });
    const ids = keys.slice(offset).map((k) => k.id);
    if (ids.length === 0) return [];
    const byId = new Map((await this.records.all({ filters: { in_id: ids } })).map((r) => [r.id, r]));
    // In the server's order (its collation), not ours.
    return ids.flatMap((id) => {
      const record = byId.get(id);
      return record ? [toAlert(record)] : [];
    });
  }

  /**
   * "After (ds_key, alert_type)" is an OR, which Kinto filters cannot express: it is read as two ranges, the rest of
   * the cursor's dossier and then the following dossiers.
   */
  async findAfter(filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]> {
    if (limit <= 0) return [];
    const base = filters(filter);
    const found: Array<Stored<AlertRecord>> = [];
    if (after) {
      found.push(
        ...(await this.records.first(limit, {
          filters: { ...base, ds_key: after.dsKey, gt_alert_type: after.alertType },
          sort: ['alert_type'],
        })),
      );
    }
    if (found.length < limit) {
      found.push(
        ...(await this.records.first(limit - found.length, {
          filters: after ? { ...base, gt_ds_key: after.dsKey } : base,
          sort: ORDER,
        })),
      );
    }
    return found.map(toAlert);
  }
}
