import { isCalendarDay } from '../common/paris-time';
import { champValue, dateDebutApt, dateFinApt, Dossier, groupType, LABELS } from '../dossier-source/dossier';
import { ValidityCheck } from './validity-check';
import { unstorableCheck } from './validity-check.row';

/** The champs copied into a check, for the front end (introductions show the contract ones). */
const KEPT_CHAMPS: ReadonlySet<string> = new Set([
  LABELS.lieuDeNaissance,
  LABELS.nationalite,
  LABELS.typeDeContrat,
  LABELS.emploiOccupe,
  LABELS.nombreDHeures,
]);

/**
 * The original masking, kept to the character because the front end and its users know it: trim, keep the second
 * character and every space, replace everything else with `*` (length preserved). Characters are code points, not
 * UTF-16 units: the original's units cut a letter outside the Basic Multilingual Plane (`D𝒩upont`) in half, a lone
 * surrogate that PostgreSQL's JSON refuses. Names within that plane mask exactly as before.
 */
export function obfuscate(value: string): string {
  return Array.from(value.trim(), (c, i) => (i === 1 || c === ' ' ? c : '*')).join('');
}

/** Every public champ the decision reads, so the source can leave the others in the database. */
export const CHAMPS_READ: readonly string[] = [LABELS.nom, LABELS.prenom, LABELS.dateDeNaissance, ...KEPT_CHAMPS];

export type CheckDecision =
  | { kind: 'valid'; check: ValidityCheck }
  /** The dossier gives no valid APT (not accepted, expired, or dates that make it invalid): no check for it. */
  | { kind: 'none'; reason: string }
  /** Accepted and not expired, but a field the check needs is missing or malformed: skipped and reported. */
  | { kind: 'broken'; reason: string };

/**
 * An APT is valid through its whole last day in Paris (decision apt-valid-through-last-paris-day): expired only once
 * that day is over.
 */
export function isExpired(finApt: string | null, today: string): boolean {
  return finApt !== null && finApt < today;
}

/** Decides what the public check should say about a dossier on the Paris calendar day `today`. */
export function decideValidityCheck(dossier: Dossier, today: string): CheckDecision {
  if (dossier.state !== 'closed') return { kind: 'none', reason: `state ${dossier.state || 'unknown'}` };
  const type = groupType(dossier);
  let dateDeDebutApt = '';
  let dateDeFinApt = '';
  let finApt: string | null = null;
  if (type === 'autorisation') {
    const debut = dateDebutApt(dossier);
    const fin = dateFinApt(dossier);
    // An autorisation without both dates, or with dates that are not days, is no valid APT (alerts report it).
    if (!isCalendarDay(debut) || !isCalendarDay(fin)) return { kind: 'none', reason: 'APT dates missing or malformed' };
    if (fin < debut) return { kind: 'none', reason: 'APT ends before it starts' };
    if (isExpired(fin, today)) return { kind: 'none', reason: 'APT expired' };
    [dateDeDebutApt, dateDeFinApt, finApt] = [debut, fin, fin];
  }
  const nom = champValue(dossier.champs, LABELS.nom);
  if (!nom) return { kind: 'broken', reason: 'missing "Nom"' };
  const dateDeNaissance = champValue(dossier.champs, LABELS.dateDeNaissance);
  if (!isCalendarDay(dateDeNaissance)) return { kind: 'broken', reason: 'missing or malformed "Date de naissance"' };
  if (!dossier.siret) return { kind: 'broken', reason: 'missing etablissement.siret' };
  const check: ValidityCheck = {
    dsKey: dossier.dsKey,
    dossierId: dossier.dossierId,
    type,
    siret: dossier.siret,
    nom: obfuscate(nom),
    prenom: obfuscate(champValue(dossier.champs, LABELS.prenom) ?? 'non renseigné'),
    dateDeNaissance,
    dateDeDebutApt,
    dateDeFinApt,
    finApt,
    champs: dossier.champs
      .filter((c) => KEPT_CHAMPS.has(c.libelle))
      .map((c) => ({ value: c.value, type_de_champ: { libelle: c.libelle } })),
  };
  // A value longer than its column (a 300-character "Nom") would make the whole batch's write fail.
  const unstorable = unstorableCheck(check);
  if (unstorable) return { kind: 'broken', reason: unstorable };
  return { kind: 'valid', check };
}
