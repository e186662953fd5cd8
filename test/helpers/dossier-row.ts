import { DossierRecordRow } from '../../src/dossier-source/aggregator-row';

export interface RowOptions {
  procedureId?: number;
  dossierId: number;
  state?: string;
  group?: { id: string; label: string; type?: 'autorisation' | 'introduction' };
  archived?: boolean;
  email?: string;
  instructeurs?: string[];
  siret?: string | null;
  createdAt?: string;
  initiatedAt?: string | null;
  receivedAt?: string | null;
  processedAt?: string | null;
  lastModified?: string;
  /** Public champs by label; `undefined` leaves the default, `null` removes the champ. */
  champs?: Record<string, string | null | undefined>;
  /** Private annotations by label, same convention. */
  annotations?: Record<string, string | null | undefined>;
  messages?: Array<{ email: string; createdAt: string }>;
}

const DEFAULT_CHAMPS: Record<string, string> = {
  Nom: 'Nguyen',
  Prénom: 'Thi Lan',
  Nationalité: 'VIETNAM',
  'Date de naissance': '1998-03-07',
  'Lieu de naissance': 'Hanoï',
  'Emploi occupé': 'Serveuse',
  'Type de contrat': 'contrat à durée déterminée (CDD)',
  "Nombre d'heures": '20 heures/semaine',
};

function champList(defaults: Record<string, string>, overrides: Record<string, string | null | undefined> = {}) {
  const merged: Record<string, string | null | undefined> = { ...defaults, ...overrides };
  return Object.entries(merged)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([libelle, value], order_place) => ({
      value,
      type_de_champ: { id: order_place, libelle, type_champ: 'text', order_place },
    }));
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** A dossier_record row in the aggregator's exact shape, with sensible defaults (an accepted Paris APT). */
export function dossierRow(o: RowOptions): DossierRecordRow {
  const procedureId = o.procedureId ?? 14131;
  const state = o.state ?? 'closed';
  const group = o.group ?? { id: '75', label: '75 - Paris', type: 'autorisation' as const };
  const createdAt = o.createdAt ?? '2020-09-14T08:12:45.120Z';
  const initiatedAt = o.initiatedAt === undefined ? '2020-09-14T08:31:02.456Z' : o.initiatedAt;
  const receivedAt = o.receivedAt === undefined ? '2020-09-16T13:05:10.789Z' : o.receivedAt;
  const processedAt = o.processedAt === undefined ? '2020-09-17T09:42:33.001Z' : o.processedAt;
  const instructeurs = o.instructeurs ?? ['paul.durand@direccte.gouv.fr'];
  const annotationDefaults: Record<string, string> =
    group.type === 'introduction' ? {} : { 'Date de début APT': '2020-09-21', 'Date de fin APT': '2021-06-30' };
  return {
    ds_key: `${procedureId}-${o.dossierId}`,
    procedure_id: procedureId,
    state,
    created_at: new Date(createdAt),
    processed_at: new Date(processedAt ?? 0),
    last_modified: new Date(o.lastModified ?? '2020-09-21T08:10:03.512Z'),
    metadata: {
      state,
      procedure_id: procedureId,
      group,
      created_at: Date.parse(createdAt),
      initiated_at: ms(initiatedAt),
      updated_at: ms(o.lastModified),
      received_at: ms(receivedAt),
      processed_at: ms(processedAt),
      instructors_history: instructeurs,
    },
    ds_data: {
      id: o.dossierId,
      created_at: createdAt,
      updated_at: o.lastModified ?? createdAt,
      archived: o.archived ?? true,
      email: o.email ?? 'rh.recrutement@exemple-sas.fr',
      state,
      initiated_at: initiatedAt,
      received_at: receivedAt,
      processed_at: processedAt,
      instructeurs,
      individual: null,
      etablissement: o.siret === null ? null : { siret: o.siret ?? '81234567800021' },
      commentaires: (o.messages ?? []).map((m) => ({
        email: m.email,
        body: '…',
        created_at: m.createdAt,
        attachment: null,
      })),
      champs: champList(DEFAULT_CHAMPS, o.champs),
      champs_private: champList(annotationDefaults, o.annotations),
    },
  };
}
