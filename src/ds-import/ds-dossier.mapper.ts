import { DsProcedure } from '../config/ds-procedures';
import { DossierMetadata } from '../dossier-source/aggregator-row';
import { DsChamp, DsDossierNode, DsMessage } from './ds-api.types';

/**
 * A dossier of the GraphQL API rebuilt as the row the ds-aggregator stored: `ds_data` in the API v1 shape the jobs
 * read, and the derived columns. The instructor history is merged with the stored one when the row is saved.
 */
export interface ImportedDossier {
  dsKey: string;
  procedureId: number;
  dossierNumber: number;
  dsData: Record<string, unknown>;
  metadata: Omit<DossierMetadata, 'instructors_history'>;
  /** Emails of the instructors following the dossier now, in DS order. */
  instructeurs: string[];
  createdAt: Date;
  processedAt: Date | null;
  /** Legacy v1 state. */
  state: string;
}

export type MappedImport = { dossier: ImportedDossier } | { error: string; dossierNumber: number | null };

/** GraphQL states and the v1 states every job and the stored rows use. */
const LEGACY_STATES: Record<string, { state: string; label: string }> = {
  en_construction: { state: 'initiated', label: 'En construction' },
  en_instruction: { state: 'received', label: 'En instruction' },
  accepte: { state: 'closed', label: 'Accepté' },
  refuse: { state: 'refused', label: 'Refusé' },
  sans_suite: { state: 'without_continuation', label: 'Classé sans suite' },
};

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

class MappingError extends Error {}

/** An ISO 8601 instant with an offset (DS sends `2020-09-14T10:31:02+02:00`) as v1 did: UTC with milliseconds. */
function instant(value: unknown, field: string, required = false): string | null {
  if (value === null || value === undefined) {
    if (required) throw new MappingError(`no ${field}`);
    return null;
  }
  const date = typeof value === 'string' && ISO_DATE_TIME.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new MappingError(`unreadable ${field}`);
  return date.toISOString();
}

// PostgreSQL's jsonb refuses NUL characters and lone surrogates: one of them, typed by an applicant, would make the
// whole page fail to store, run after run.
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Cheap first test: the replacement's lookarounds cost more than the rest of the mapping.
// eslint-disable-next-line no-control-regex -- as above
const SUSPECT = /[\u0000\ud800-\udfff]/;

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return SUSPECT.test(value) ? value.replace(UNSTORABLE, (c) => (c === '\u0000' ? '' : '\ufffd')) : value;
}

/** `DropDownListChamp` → `drop_down_list`: the v1 `type_champ` names. */
const typeChamps = new Map<string, string>();
function typeChamp(typename: unknown): string {
  if (typeof typename !== 'string') return 'text';
  let name = typeChamps.get(typename);
  if (name === undefined) {
    name = typename
      .replace(/Champ$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase();
    // GraphQL type names are a short, fixed list; anything else is not cached.
    if (typeChamps.size < 200) typeChamps.set(typename, name);
  }
  return name;
}

function champValue(champ: DsChamp): string | null {
  switch (champ.__typename) {
    case 'DateChamp':
      return text(champ.date);
    case 'PaysChamp':
      return text(champ.pays?.name) ?? text(champ.stringValue);
    case 'HeaderSectionChamp':
    case 'ExplicationChamp':
      return null;
    default:
      return text(champ.stringValue);
  }
}

function champs(list: unknown, field: string): Array<Record<string, unknown>> {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new MappingError(`${field} is not a list`);
  return list
    .filter((c): c is DsChamp => typeof c === 'object' && c !== null)
    .map((champ, order) => ({
      value: champValue(champ),
      type_de_champ: {
        id: text(champ.id),
        libelle: text(champ.label) ?? '',
        type_champ: typeChamp(champ.__typename),
        order_place: order,
      },
    }));
}

function messages(list: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(list)) return [];
  return list
    .filter((m): m is DsMessage => typeof m === 'object' && m !== null)
    .map((m) => {
      let createdAt: string | null;
      try {
        createdAt = instant(m.createdAt, 'message date');
      } catch {
        // A message without a usable date still counts as a message; the rules treat its date as unknown.
        createdAt = null;
      }
      const first = Array.isArray(m.attachments) ? m.attachments.find((a) => typeof a?.url === 'string') : undefined;
      return { email: text(m.email), body: text(m.body), created_at: createdAt, attachment: first?.url ?? null };
    });
}

/** Emails in DS order, each once. */
function emails(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const found = list.map((p: { email?: unknown } | null) => text(p?.email)).filter((e): e is string => !!e);
  return [...new Set(found)];
}

const millis = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** Never throws: a dossier that cannot be rebuilt comes back as an error, named by its number only. */
export function mapDsDossier(node: DsDossierNode | null, procedure: DsProcedure): MappedImport {
  const number = node?.number;
  const dossierNumber = typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : null;
  if (!node || dossierNumber === null) return { error: 'no usable dossier number', dossierNumber: null };
  try {
    const legacy = typeof node.state === 'string' ? LEGACY_STATES[node.state] : undefined;
    if (!legacy) throw new MappingError('unknown state');
    const depot = instant(node.dateDepot, 'dateDepot', true)!;
    const received = instant(node.datePassageEnInstruction, 'datePassageEnInstruction');
    const processed = instant(node.dateTraitement, 'dateTraitement');
    const updated = instant(node.dateDerniereModification, 'dateDerniereModification');
    const instructeurs = emails(node.instructeurs);
    const siret = text(node.demandeur?.siret);
    const dsKey = `${procedure.number}-${dossierNumber}`;
    return {
      dossier: {
        dsKey,
        procedureId: procedure.number,
        dossierNumber,
        state: legacy.state,
        createdAt: new Date(depot),
        processedAt: processed === null ? null : new Date(processed),
        instructeurs,
        metadata: {
          state: legacy.state,
          procedure_id: procedure.number,
          group: { ...procedure.group },
          created_at: Date.parse(depot),
          initiated_at: millis(depot),
          updated_at: millis(updated),
          received_at: millis(received),
          processed_at: millis(processed),
        },
        dsData: {
          id: dossierNumber,
          // The API no longer gives the draft's creation; the submission is the closest date it has.
          created_at: depot,
          updated_at: updated,
          archived: node.archived === true,
          email: text(node.usager?.email),
          state: legacy.state,
          simplified_state: legacy.label,
          initiated_at: depot,
          received_at: received,
          processed_at: processed,
          motivation: text(node.motivation),
          instructeurs,
          individual: null,
          etablissement: siret === null ? null : { siret },
          commentaires: messages(node.messages),
          champs: champs(node.champs, 'champs'),
          champs_private: champs(node.annotations, 'annotations'),
        },
      },
    };
  } catch (error) {
    if (error instanceof MappingError) return { error: error.message, dossierNumber };
    throw error;
  }
}
