import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { KintoRecords, Stored, kintoId } from '../kinto/kinto-records';
import { ValidityCheck } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';
import { ValidityCheckRow, fromValidityCheckRow, toValidityCheckRow } from './validity-check.row';

/** A record of `validity_checks`: the `validity_check` table's row (instants as epoch ms), its id being Kinto's. */
type ValidityCheckRecord = Omit<ValidityCheckRow<number>, 'id' | 'fin_apt'> & {
  /**
   * `YYYY-MM-DD`, compared as a string by `lt_fin_apt`. Absent (never null) for introductions: on Kinto's PostgreSQL
   * storage a JSON null sorts below every string, so `lt_fin_apt` would match it, whereas a missing field matches no
   * comparison.
   */
  fin_apt?: string;
};

export const validityCheckId = (dsKey: string) => kintoId('vc', dsKey);

const toRecord = (c: ValidityCheck, syncedAt: Date): ValidityCheckRecord => {
  const { fin_apt, ...row } = toValidityCheckRow(c);
  return { ...row, ...(fin_apt === null ? {} : { fin_apt }), synced_at: syncedAt.getTime() };
};

const toCheck = (r: Stored<ValidityCheckRecord>): ValidityCheck => fromValidityCheckRow(r);

@Injectable()
export class KintoValidityCheckRepository extends ValidityCheckRepository {
  private readonly records: KintoRecords<ValidityCheckRecord>;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'validity_checks');
  }

  /** One PUT per check, by an id derived from ds_key: re-running a window rewrites the same records. */
  async upsertMany(checks: ValidityCheck[], syncedAt: Date): Promise<void> {
    await this.records.batch(
      checks.map((c) => ({ method: 'PUT', id: validityCheckId(c.dsKey), data: toRecord(c, syncedAt) })),
    );
  }

  async deleteByDsKeys(dsKeys: string[]): Promise<number> {
    const ids = [...new Set(dsKeys.map(validityCheckId))];
    const statuses = await this.records.batch(
      ids.map((id) => ({ method: 'DELETE', id })),
      [404],
    );
    return statuses.filter((s) => s === 200).length;
  }

  async deleteNotSyncedSince(syncedBefore: Date): Promise<number> {
    return this.deleteSelected({ lt_synced_at: syncedBefore.getTime() });
  }

  async deleteExpired(today: string): Promise<number> {
    return this.deleteSelected({ lt_fin_apt: today });
  }

  /**
   * The public check: the server filters on both keys and returns at most one record. Kinto has no index on record
   * data, so this scans the collection's rows on its side (see the README for the cost).
   */
  async findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null> {
    const [record] = await this.records.first(1, {
      filters: { dossier_id: dossierId, date_de_naissance: dateDeNaissance },
    });
    return record ? toCheck(record) : null;
  }

  count(): Promise<number> {
    return this.records.count();
  }

  /**
   * Lists what the filter selects (ids and versions only), then deletes each with `If-Match` on the version read:
   * a check rewritten by a run in between is newer than the filter said, and stays.
   */
  private async deleteSelected(filters: Record<string, string | number>): Promise<number> {
    const selected = await this.records.all({ filters, fields: ['ds_key'] });
    const statuses = await this.records.batch(
      selected.map((r) => ({ method: 'DELETE', id: r.id, ifMatch: r.last_modified })),
      [404, 412],
    );
    return statuses.filter((s) => s === 200).length;
  }
}
