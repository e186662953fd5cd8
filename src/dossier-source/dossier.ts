/**
 * A dossier as the rules see it: the few fields of a ds-aggregator `dossier_record` row that the back office
 * reads, already parsed. Anything may be missing in real data, so every field that DS can leave empty is nullable
 * and no rule may assume otherwise.
 */
export type GroupType = 'autorisation' | 'introduction';

/** Legacy DS v1 states as stored in `dossier_record.state`; anything else passes through unchanged. */
export type DossierState = 'initiated' | 'received' | 'closed' | 'refused' | 'without_continuation';

export interface DossierGroup {
  id: string;
  label: string;
  type: GroupType;
}

export interface Champ {
  libelle: string;
  value: string | null;
}

export interface DossierMessage {
  email: string;
  createdAt: Date | null;
}

export interface Dossier {
  /** `"<procedure id>-<dossier id>"`, unique in the aggregator. */
  dsKey: string;
  procedureId: number;
  /** DS dossier number: the "numéro de l'APT" shown to users. */
  dossierId: number;
  state: string;
  archived: boolean;
  /** Null when the aggregator row carries no group (procedure not configured). */
  group: DossierGroup | null;
  /** Applicant's DS account email. */
  email: string | null;
  /** Emails of the instructors following the dossier now. */
  instructeurs: string[];
  /** Every instructor that ever followed the dossier, in order of appearance. */
  instructorsHistory: string[];
  siret: string | null;
  createdAt: Date | null;
  initiatedAt: Date | null;
  receivedAt: Date | null;
  processedAt: Date | null;
  /** Aggregator wall-clock time of the last save (not DS `updated_at`). */
  lastModified: Date | null;
  /** Public fields, in DS order. */
  champs: Champ[];
  /** Private annotations (APT dates live here), in DS order. */
  champsPrivate: Champ[];
  /** Messages in chronological order. */
  messages: DossierMessage[];
}

export const LABELS = {
  nom: 'Nom',
  prenom: 'Prénom',
  dateDeNaissance: 'Date de naissance',
  nationalite: 'Nationalité',
  lieuDeNaissance: 'Lieu de naissance',
  typeDeContrat: 'Type de contrat',
  emploiOccupe: 'Emploi occupé',
  nombreDHeures: "Nombre d'heures",
  dateDebutApt: 'Date de début APT',
  dateFinApt: 'Date de fin APT',
} as const;

/** First champ with exactly this label (DS labels are matched to the character, as the original did). */
export function findChamp(champs: Champ[], libelle: string): Champ | undefined {
  return champs.find((c) => c.libelle === libelle);
}

/** Trimmed value of a champ, or null when the champ is absent or empty. */
export function champValue(champs: Champ[], libelle: string): string | null {
  const value = findChamp(champs, libelle)?.value;
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function dateDebutApt(d: Dossier): string | null {
  return champValue(d.champsPrivate, LABELS.dateDebutApt);
}

export function dateFinApt(d: Dossier): string | null {
  return champValue(d.champsPrivate, LABELS.dateFinApt);
}

export function groupType(d: Dossier): GroupType {
  // The original treats a missing type as autorisation (rows saved before types existed).
  return d.group?.type === 'introduction' ? 'introduction' : 'autorisation';
}
