import { Injectable } from '@nestjs/common';
import { and, count, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { Databases } from '../database/database';
import { validityCheck } from '../database/schema';
import { ValidityCheck } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';

type Row = typeof validityCheck.$inferSelect;

const excluded = (column: string) => sql.raw(`excluded.${column}`);

const toCheck = (row: Row): ValidityCheck => ({
  dsKey: row.dsKey,
  dossierId: row.dossierId,
  type: row.type === 'introduction' ? 'introduction' : 'autorisation',
  siret: row.siret,
  nom: row.nom,
  prenom: row.prenom,
  dateDeNaissance: row.dateDeNaissance,
  dateDeDebutApt: row.dateDeDebutApt,
  dateDeFinApt: row.dateDeFinApt,
  finApt: row.finApt,
  champs: row.champs,
});

@Injectable()
export class PgValidityCheckRepository extends ValidityCheckRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async upsertMany(checks: ValidityCheck[], syncedAt: Date): Promise<void> {
    if (checks.length === 0) return;
    await this.databases.main
      .insert(validityCheck)
      .values(checks.map((c) => ({ ...c, syncedAt })))
      .onConflictDoUpdate({
        target: validityCheck.dsKey,
        set: {
          dossierId: excluded('dossier_id'),
          type: excluded('type'),
          siret: excluded('siret'),
          nom: excluded('nom'),
          prenom: excluded('prenom'),
          dateDeNaissance: excluded('date_de_naissance'),
          dateDeDebutApt: excluded('date_de_debut_apt'),
          dateDeFinApt: excluded('date_de_fin_apt'),
          finApt: excluded('fin_apt'),
          champs: excluded('champs'),
          syncedAt: excluded('synced_at'),
        },
      });
  }

  async deleteByDsKeys(dsKeys: string[]): Promise<number> {
    if (dsKeys.length === 0) return 0;
    const rows = await this.databases.main
      .delete(validityCheck)
      .where(inArray(validityCheck.dsKey, dsKeys))
      .returning({ id: validityCheck.id });
    return rows.length;
  }

  async deleteNotSyncedSince(syncedBefore: Date): Promise<number> {
    const rows = await this.databases.main
      .delete(validityCheck)
      .where(lt(validityCheck.syncedAt, syncedBefore))
      .returning({ id: validityCheck.id });
    return rows.length;
  }

  async deleteExpired(today: string): Promise<number> {
    const rows = await this.databases.main
      .delete(validityCheck)
      .where(and(isNotNull(validityCheck.finApt), lt(validityCheck.finApt, today)))
      .returning({ id: validityCheck.id });
    return rows.length;
  }

  async findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null> {
    const [row] = await this.databases.main
      .select()
      .from(validityCheck)
      .where(and(eq(validityCheck.dossierId, dossierId), eq(validityCheck.dateDeNaissance, dateDeNaissance)))
      .limit(1);
    return row ? toCheck(row) : null;
  }

  async count(): Promise<number> {
    const [row] = await this.databases.main.select({ n: count() }).from(validityCheck);
    return row.n;
  }
}
