import { AggregatorGroup } from '../dossier-source/aggregator-row';

/** The DS form: the champs of the WIF procedures (docs/domain.md#champs), public and private (annotations). */

// Descriptions are shortened from the real form's: 100,000 rows of them weigh on the benchmarks.
const HOURS_DESCRIPTION = 'Par exemple : 35 heures/semaine';
const SALARY_DESCRIPTION = 'Par exemple : 1485 euros/mois';

// [libellé, type_champ, description]; order_place 19 is left out as on the real form.
const PUBLIC_CHAMPS: [string, string, string?][] = [
  ['Salarié', 'header_section'],
  ['Commune de résidence en France', 'text', 'Par exemple : Paris'],
  ['Code postal de résidence en France', 'text', 'Par exemple : 75010'],
  ['Civilité', 'civilite'],
  ['Nom', 'text'],
  ['Prénom', 'text'],
  ['Nationalité', 'pays'],
  ['Date de naissance', 'date'],
  ['Lieu de naissance', 'text'],
  ['E-mail', 'email'],
  ['Téléphone', 'phone'],
  ['Demande', 'drop_down_list'],
  ['Référence de l’ancienne autorisation de travail', 'text'],
  ['Document autorisant le séjour en France', 'header_section'],
  ['Numéro', 'text'],
  ['Date d’expiration', 'date'],
  ['Département qui figure sur le titre de séjour', 'drop_down_list'],
  ['Délivré par', 'text'],
  ['Employeur', 'header_section'],
  ["Nom de l'employeur", 'text'],
  ["Prénom de l'employeur", 'text'],
  ["E-mail de l'employeur", 'email'],
  ["Téléphone de l'employeur", 'phone'],
  ['Informations sur le contrat', 'header_section'],
  ['Emploi occupé', 'text'],
  ["Adresse ou l'étudiant va travailler", 'textarea'],
  ['Type de contrat', 'drop_down_list'],
  ['Date de début', 'date'],
  ['Date de fin', 'date'],
  ["Nombre d'heures", 'text', HOURS_DESCRIPTION],
  ['Salaire brut', 'text', SALARY_DESCRIPTION],
];

export const DEBUT_APT = 'Date de début APT';
export const FIN_APT = 'Date de fin APT';
const ADMIN_FRAME = "Cadre réservé à l'administration";

export interface TypeDeChamp {
  id: number;
  libelle: string;
  type_champ: string;
  order_place: number;
  description: string;
}

export interface ProcedureForm {
  champs: TypeDeChamp[];
  champsPrivate: TypeDeChamp[];
}

/** Each DS procedure has its own type_de_champ ids; derive stable ones from the procedure id. */
export function procedureForm(procedureId: number, type: AggregatorGroup['type']): ProcedureForm {
  const base = procedureId * 50;
  const champs = PUBLIC_CHAMPS.map(([libelle, typeChamp, description], i) => ({
    id: base + i,
    libelle,
    type_champ: typeChamp,
    order_place: i < 19 ? i : i + 1,
    description: description ?? '',
  }));
  const privateSpecs: [string, string, string][] =
    type === 'introduction'
      ? [[ADMIN_FRAME, 'textarea', "Ce cadre n'est pas visible par les usagers"]]
      : [
          [DEBUT_APT, 'date', ''],
          [FIN_APT, 'date', ''],
          [ADMIN_FRAME, 'textarea', "Ce cadre n'est pas visible par les usagers"],
        ];
  const champsPrivate = privateSpecs.map(([libelle, typeChamp, description], i) => ({
    id: base + 40 + i,
    libelle,
    type_champ: typeChamp,
    order_place: i,
    description,
  }));
  return { champs, champsPrivate };
}

export interface Champ {
  value: string | null;
  type_de_champ: TypeDeChamp;
}
