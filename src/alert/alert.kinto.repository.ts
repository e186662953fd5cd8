import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { BatchWrite, KintoFilters, KintoRecords, Stored, kintoId } from '../kinto/kinto-records';
import { Alert, AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';
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
// ds_keys per `in_ds_key` read, to keep URLs short.
const KEYS_PER_READ = 50;

/**
 * Alerts on Kinto. Saving a batch reads the dossiers' stored alerts, then writes only what changed: new alerts with
 * `If-None-Match: *`, refreshed, reopened and resolved ones with `If-Match` on the version read. The alert job holds
 * its lock while it writes, so a 412 means the lock was lost: the run fails rather than overwrite, and the next run
 * redoes the same window (every write is idempotent).
 */
@Injectable()
export class KintoAlertRepository extends AlertRepository {
  private readonly records: KintoRecords<AlertRecord>;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'alerts');
  }

  async saveEvaluations(evaluations: DossierAlerts[], at: Date): Promise<SaveOutcome> {
    if (evaluations.length === 0) return { changed: 0, resolved: 0 };
    const stamp = at.getTime();
    const dsKeys = [...new Set(evaluations.map((e) => e.dsKey))];
    const stored = new Map<string, Stored<AlertRecord>>();
    for (let i = 0; i < dsKeys.length; i += KEYS_PER_READ) {
      for (const record of await this.records.all({ filters: { in_ds_key: dsKeys.slice(i, i + KEYS_PER_READ) } })) {
        stored.set(record.id, record);
      }
    }
    const writes: BatchWrite[] = [];
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
        changed += 1;
      } else if (existing.status === 'resolved' || !sameRefreshed(existing, next)) {
        const changes: Partial<AlertRecord> = { ...next, resolved_at: null, status: 'open', updated_at: stamp };
        writes.push({ method: 'PATCH', id, data: changes, ifMatch: existing.last_modified });
        changed += 1;
      }
    }
    for (const record of stored.values()) {
      if (record.status === 'open' && !raised.has(record.id)) {
        const changes: Partial<AlertRecord> = { resolved_at: stamp, status: 'resolved', updated_at: stamp };
        writes.push({ method: 'PATCH', id: record.id, data: changes, ifMatch: record.last_modified });
        resolved += 1;
      }
    }
    await this.records.batch(writes);
    return { changed, resolved };
  }

  async deleteAll(): Promise<number> {
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
