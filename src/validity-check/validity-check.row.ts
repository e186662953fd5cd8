import { validityCheck } from '../database/schema';
import { TableRow, overLongColumn } from '../database/table-sql';
import { ValidityCheck } from './validity-check';

/**
 * A check as stored: the `validity_check` table's row, and on Kinto the same fields in a record (instants `I`).
 * Both stores map through the functions below.
 */
export type ValidityCheckRow<I = Date> = TableRow<typeof validityCheck, I>;

/** What a run writes of a check (besides its `synced_at`), and what a lookup reads back. */
export const VALIDITY_CHECK_WRITTEN = [
  'ds_key',
  'dossier_id',
  'type',
  'siret',
  'nom',
  'prenom',
  'date_de_naissance',
  'date_de_debut_apt',
  'date_de_fin_apt',
  'fin_apt',
  'champs',
] as const satisfies ReadonlyArray<keyof ValidityCheckRow>;
export type ValidityCheckWrittenRow = Pick<ValidityCheckRow, (typeof VALIDITY_CHECK_WRITTEN)[number]>;

export function toValidityCheckRow(c: ValidityCheck): ValidityCheckWrittenRow {
  return {
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
  };
}

/** `dossier_id` may come back as text (a bigint read raw), `fin_apt` absent from a Kinto record (see there). */
export function fromValidityCheckRow(
  row: Omit<ValidityCheckWrittenRow, 'dossier_id' | 'fin_apt'> & {
    dossier_id: number | string;
    fin_apt?: string | null;
  },
): ValidityCheck {
  return {
    dsKey: row.ds_key,
    dossierId: Number(row.dossier_id),
    type: row.type === 'introduction' ? 'introduction' : 'autorisation',
    siret: row.siret,
    nom: row.nom,
    prenom: row.prenom,
    dateDeNaissance: row.date_de_naissance,
    dateDeDebutApt: row.date_de_debut_apt,
    dateDeFinApt: row.date_de_fin_apt,
    finApt: row.fin_apt ?? null,
    champs: row.champs,
  };
}

/** Why this check cannot be stored (a value longer than its column), or null. */
export function unstorableCheck(c: ValidityCheck): string | null {
  return overLongColumn(validityCheck, toValidityCheckRow(c));
}
