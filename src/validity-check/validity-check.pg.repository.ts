import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { and, count, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { Databases, keyArray, queryRows } from '../database/database';
import { validityCheck } from '../database/schema';
import { ValidityCheck } from './validity-check';
import { ValidityCheckRepository } from './validity-check.repository';

type Row = typeof validityCheck.$inferSelect;

const toCheck = (row: Omit<Row, 'id' | 'syncedAt'>): ValidityCheck => ({
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

interface LookupKey {
  dossierId: number;
  dateDeNaissance: string;
}

/** A batched lookup's row: the key's position, then the check's columns (text where drivers differ). */
type BatchRow = Omit<Row, 'dossierId' | 'id' | 'syncedAt'> & { n: number; dossierId: string };

@Injectable()
export class PgValidityCheckRepository extends ValidityCheckRepository {
  /** The public lookup, prepared once: the hot path builds no SQL. */
  private readonly lookup;
  /**
   * Public lookups that arrive in the same turn of the event loop go to the database as one statement: socket
   * writes were the largest cost of a check, and batching them doubled the uncached throughput (README,
   * Performance). Alone, a lookup waits for nothing and takes the prepared statement.
   */
  private readonly lookups = new DataLoader<LookupKey, ValidityCheck | null>((keys) => this.lookupMany(keys), {
    cache: false,
    maxBatchSize: 200,
    batchScheduleFn: (run) => setImmediate(run),
  });

  constructor(private readonly databases: Databases) {
    super();
    this.lookup = databases.main
      .select()
      .from(validityCheck)
      .where(
        and(
          eq(validityCheck.dossierId, sql.placeholder('dossierId')),
          eq(validityCheck.dateDeNaissance, sql.placeholder('dateDeNaissance')),
        ),
      )
      .limit(1)
      .prepare('validity_check_lookup');
  }

  /**
   * One statement per batch, the rows passed as a single JSON parameter: far cheaper to build and to send than a
   * VALUES list of a thousand rows × twelve parameters.
   */
  async upsertMany(checks: ValidityCheck[], syncedAt: Date): Promise<void> {
    if (checks.length === 0) return;
    const rows = JSON.stringify(
      checks.map((c) => ({
        ds_key: c.dsKey,
        dossier_id: c.dossierId,
        type: c.type,
        siret: c.siret,
        nom: c.nom,
        prenom: c.prenom,
        date_de_naissance: c.dateDeNaissance,
        date_de_debut_apt: c.dateDeDebutApt,
        date_de_fin_apt: c.dateDeFinApt,
        fin_apt: c.finApt,
        champs: c.champs,
      })),
    );
    await this.databases.main.execute(sql`
      INSERT INTO validity_check (ds_key, dossier_id, type, siret, nom, prenom, date_de_naissance,
                                  date_de_debut_apt, date_de_fin_apt, fin_apt, champs, synced_at)
      SELECT ds_key, dossier_id, type, siret, nom, prenom, date_de_naissance,
             date_de_debut_apt, date_de_fin_apt, fin_apt, champs, ${syncedAt.toISOString()}::timestamptz
        FROM jsonb_to_recordset(${rows}::jsonb) AS r(
             ds_key varchar, dossier_id bigint, type varchar, siret varchar, nom varchar, prenom varchar,
             date_de_naissance varchar, date_de_debut_apt varchar, date_de_fin_apt varchar, fin_apt date, champs jsonb)
      ON CONFLICT (ds_key) DO UPDATE SET
        dossier_id = excluded.dossier_id, type = excluded.type, siret = excluded.siret, nom = excluded.nom,
        prenom = excluded.prenom, date_de_naissance = excluded.date_de_naissance,
        date_de_debut_apt = excluded.date_de_debut_apt, date_de_fin_apt = excluded.date_de_fin_apt,
        fin_apt = excluded.fin_apt, champs = excluded.champs, synced_at = excluded.synced_at`);
  }

  async deleteByDsKeys(dsKeys: string[]): Promise<number> {
    if (dsKeys.length === 0) return 0;
    // One parameter rather than one per key: batches hold up to a thousand keys.
    const rows = await queryRows<{ id: string }>(
      this.databases.main,
      sql`DELETE FROM validity_check
           WHERE ds_key = ANY(${keyArray(dsKeys)}) RETURNING id`,
    );
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

  findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null> {
    return this.lookups.load({ dossierId, dateDeNaissance });
  }

  private async lookupMany(keys: readonly LookupKey[]): Promise<Array<ValidityCheck | null>> {
    if (keys.length === 1) {
      const { dossierId, dateDeNaissance } = keys[0];
      const [row] = await this.lookup.execute({ dossierId, dateDeNaissance });
      return [row ? toCheck(row) : null];
    }
    // One index probe per key (LATERAL … LIMIT 1, as the single lookup), whatever plan the rest gets.
    const rows = await queryRows<BatchRow>(
      this.databases.main,
      sql`SELECT k.n::int AS n, c.ds_key AS "dsKey", c.dossier_id::text AS "dossierId", c.type, c.siret, c.nom,
                 c.prenom, c.date_de_naissance AS "dateDeNaissance", c.date_de_debut_apt AS "dateDeDebutApt",
                 c.date_de_fin_apt AS "dateDeFinApt", c.fin_apt::text AS "finApt", c.champs
            FROM unnest(${keyArray(keys.map((k) => String(k.dossierId)))}::bigint[],
                        ${keyArray(keys.map((k) => k.dateDeNaissance))}) WITH ORDINALITY AS k(id, day, n)
            CROSS JOIN LATERAL (SELECT * FROM validity_check v
                                 WHERE v.dossier_id = k.id AND v.date_de_naissance = k.day LIMIT 1) c`,
    );
    const found: Array<ValidityCheck | null> = keys.map(() => null);
    for (const { n, dossierId, ...row } of rows) found[n - 1] = toCheck({ ...row, dossierId: Number(dossierId) });
    return found;
  }

  async count(): Promise<number> {
    const [row] = await this.databases.main.select({ n: count() }).from(validityCheck);
    return row.n;
  }
}
