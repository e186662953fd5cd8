import { GroupType } from '../dossier-source/dossier';

export interface ValidityCheckChamp {
  value: string | null;
  type_de_champ: { libelle: string };
}

/** What the public check answers about one APT; names are already obfuscated. */
export interface ValidityCheck {
  dsKey: string;
  dossierId: number;
  type: GroupType;
  siret: string;
  nom: string;
  prenom: string;
  dateDeNaissance: string;
  /** `''` for introductions, which carry no APT dates. */
  dateDeDebutApt: string;
  dateDeFinApt: string;
  /** Last valid calendar day (Europe/Paris); null for introductions, which never expire. */
  finApt: string | null;
  champs: ValidityCheckChamp[];
}
