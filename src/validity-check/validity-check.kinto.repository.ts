import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { KintoRecords, Stored, kintoId } from '../kinto/kinto-records';
import { ValidityCheck, ValidityCheckChamp } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';

/** A record of `validity_checks`, in the seed's snake_case. */
interface ValidityCheckRecord {
  ds_key: string;
  dossier_id: number;
  type: string;
  siret: string;
  nom: string;
  prenom: string;
  date_de_naissance: string;
  date_de_debut_apt: string;
  date_de_fin_apt: string;
  /**
   * `YYYY-MM-DD`, compared as a string by `lt_fin_apt`. Absent (never null) for introductions: on Kinto's PostgreSQL
   * storage a JSON null sorts below every string, so `lt_fin_apt` would match it, whereas a missing field matches no
   * comparison.
   */
  fin_apt?: string;
  champs: ValidityCheckChamp[];
  /** Epoch ms of the run that last wrote it. */
  synced_at: number;
}

export const validityCheckId = (dsKey: string) => kintoId('vc', dsKey);

const toRecord = (c: ValidityCheck, syncedAt: Date): ValidityCheckRecord => ({
  ds_key: c.dsKey,
  dossier_id: c.dossierId,
  type: c.type,
  siret: c.siret,
  nom: c.nom,
  prenom: c.prenom,
  date_de_naissance: c.dateDeNaissance,
  date_de_debut_apt: c.dateDeDebutApt,
  date_de_fin_apt: c.dateDeFinApt,
  ...(c.finApt === null ? {} : { fin_apt: c.finApt }),
  champs: c.champs,
  synced_at: syncedAt.getTime(),
});

const toCheck = (r: Stored<ValidityCheckRecord>): ValidityCheck => ({
  dsKey: r.ds_key,
  dossierId: r.dossier_id,
  type: r.type === 'introduction' ? 'introduction' : 'autorisation',
  siret: r.siret,
  nom: r.nom,
  prenom: r.prenom,
  dateDeNaissance: r.date_de_naissance,
  dateDeDebutApt: r.date_de_debut_apt,
  dateDeFinApt: r.date_de_fin_apt,
  finApt: r.fin_apt ?? null,
  champs: r.champs,
});

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
