import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { BatchWrite, KintoRecords, Stored, contentHash, kintoId } from '../kinto/kinto-records';
import { ValidityCheck } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';
import { ValidityCheckWrittenRow, fromValidityCheckRow, toValidityCheckRow } from './validity-check.row';

/**
 * A record of `validity_checks`: the `validity_check` table's written row (`fin_apt` absent, never null, for
 * introductions), stored under its lookup id (see below), with the content hash of those fields; a record without a
 * hash predates lookup ids and is cleaned up.
 */
type ValidityCheckRecord = Omit<ValidityCheckWrittenRow, 'fin_apt'> & { fin_apt?: string; hash: string };

/**
 * A record of `validity_keys`, one per ds_key (id `vk-<ds_key>`): where the ds_key's check is stored and what it
 * holds, so that a run finds and removes a check whose birth date changed, skips unchanged ones, and the clean-ups
 * filter this small collection instead of the checks.
 */
interface ValidityKeyRecord {
  ds_key: string;
  /** Id of the check in `validity_checks`. */
  check: string;
  hash: string;
  /** Epoch ms of the run that last wrote the check. */
  synced_at: number;
  /**
   * `YYYY-MM-DD`, compared as a string by `lt_fin_apt`. Absent (never null) for introductions: on Kinto's PostgreSQL
   * storage a JSON null sorts below every string, so `lt_fin_apt` would match it, whereas a missing field matches no
   * comparison.
   */
  fin_apt?: string;
}

export const validityKeyId = (dsKey: string) => kintoId('vk', dsKey);

type CheckData = Omit<ValidityCheckRecord, 'hash'>;

const toData = (c: ValidityCheck): CheckData => {
  const { fin_apt, ...row } = toValidityCheckRow(c);
  return { ...row, ...(fin_apt === null ? {} : { fin_apt }) };
};

const toCheck = (r: Stored<ValidityCheckRecord>): ValidityCheck => fromValidityCheckRow(r);

/**
 * Validity checks on Kinto. Kinto indexes records by id only (not by their data), so the public check must not
 * filter: each check is stored under an id computed from what the public check sends, a keyed hash of the dossier
 * number and the birth date (no birth date can be read back from an id), and the lookup is one GET by id whatever
 * the number of checks. Each write compares a content hash first, so a steady-state run rewrites nothing.
 */
@Injectable()
export class KintoValidityCheckRepository extends ValidityCheckRepository {
  private readonly checks: KintoRecords<ValidityCheckRecord>;
  private readonly keys: KintoRecords<ValidityKeyRecord>;
  /**
   * ds_key → the latest run (epoch ms) that upserted it in this process, written or not. An unchanged check keeps
   * its stored `synced_at`, so the end-of-run clean-up also asks this map: a full run's upserts and its clean-up
   * always happen in one process, under the job's lock.
   */
  private readonly seen = new Map<string, number>();

  constructor(private readonly kinto: KintoConnection) {
    super();
    this.checks = new KintoRecords(kinto, 'validity_checks');
    this.keys = new KintoRecords(kinto, 'validity_keys');
  }

  lookupId(dossierId: number, dateDeNaissance: string): string {
    return this.kinto.keyedId('vc', `${dossierId}|${dateDeNaissance}`);
  }

  async upsertMany(checks: ValidityCheck[], syncedAt: Date): Promise<void> {
    // The last of several checks of one ds_key wins, as with an upsert.
    const byKey = new Map(checks.map((c) => [c.dsKey, c]));
    const existing = await this.keys.byIds([...byKey.keys()].map(validityKeyId));
    const synced = syncedAt.getTime();
    const checkWrites: BatchWrite[] = [];
    const keyWrites: BatchWrite[] = [];
    const stale: BatchWrite[] = [];
    for (const [dsKey, check] of byKey) {
      const data = toData(check);
      const hash = contentHash(data);
      const id = this.lookupId(check.dossierId, check.dateDeNaissance);
      const keyId = validityKeyId(dsKey);
      const known = existing.get(keyId);
      this.seen.set(dsKey, Math.max(synced, this.seen.get(dsKey) ?? 0));
      if (known && known.hash === hash && known.check === id) continue;
      checkWrites.push({ method: 'PUT', id, data: { ...data, hash } });
      const key: ValidityKeyRecord = {
        ds_key: dsKey,
        check: id,
        hash,
        synced_at: synced,
        ...(check.finApt === null ? {} : { fin_apt: check.finApt }),
      };
      keyWrites.push({ method: 'PUT', id: keyId, data: key });
      if (known && known.check !== id) stale.push({ method: 'DELETE', id: known.check });
    }
    // Checks first: a key never points to a check not yet written.
    await this.checks.batch(checkWrites);
    await this.keys.batch(keyWrites);
    await this.checks.batch(stale, [404]);
  }

  async deleteByDsKeys(dsKeys: string[]): Promise<number> {
    const found = await this.keys.byIds(dsKeys.map(validityKeyId));
    return this.deleteKeys([...found.values()]);
  }

  async deleteNotSyncedSince(syncedBefore: Date): Promise<number> {
    const before = syncedBefore.getTime();
    const selected = await this.keys.all({ filters: { lt_synced_at: before }, fields: ['ds_key', 'check'] });
    const removed = await this.deleteKeys(selected.filter((k) => (this.seen.get(k.ds_key) ?? 0) < before));
    // Checks written before lookup ids existed (no hash): no lookup reaches them any more.
    const legacy = await this.checks.all({ filters: { has_hash: false }, fields: ['ds_key'] });
    await this.checks.batch(
      legacy.map((r) => ({ method: 'DELETE', id: r.id })),
      [404],
    );
    return removed;
  }

  async deleteExpired(today: string): Promise<number> {
    return this.deleteKeys(await this.keys.all({ filters: { lt_fin_apt: today }, fields: ['ds_key', 'check'] }));
  }

  /** One GET by id. */
  async findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null> {
    const record = await this.checks.get(this.lookupId(dossierId, dateDeNaissance));
    // The id is a hash: the stored keys are compared anyway.
    if (!record || record.dossier_id !== dossierId || record.date_de_naissance !== dateDeNaissance) return null;
    return toCheck(record);
  }

  count(): Promise<number> {
    return this.keys.count();
  }

  /**
   * Deletes the keys (with `If-Match` on the version read: a key rewritten by a run in between is newer than the
   * selection said, and stays) and then the checks of the keys deleted.
   */
  private async deleteKeys(selected: Array<Stored<ValidityKeyRecord>>): Promise<number> {
    const statuses = await this.keys.batch(
      selected.map((k) => ({ method: 'DELETE', id: k.id, ifMatch: k.last_modified })),
      [404, 412],
    );
    const deleted = selected.filter((_, i) => statuses[i] === 200);
    for (const key of deleted) this.seen.delete(key.ds_key);
    await this.checks.batch(
      deleted.map((k) => ({ method: 'DELETE', id: k.check })),
      [404],
    );
    return deleted.length;
  }
}
