import { DossierRecordRow } from '../../src/dossier-source/aggregator-row';
import { DsNode, FakeDossier } from './fake-ds-server';
import { FRENCH_MONTHS } from '../../src/monthly-report/french-months';

/**
 * The GraphQL answer DS would give for a dossier the aggregator stored in the API v1 shape: the reverse of the
 * import's mapping, so that one set of dossiers can feed both sources and their results be compared.
 */

const V2_STATES: Record<string, string> = {
  initiated: 'en_construction',
  received: 'en_instruction',
  closed: 'accepte',
  refused: 'refuse',
  without_continuation: 'sans_suite',
};


const PARIS_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** An instant as DS writes it: Paris local time with its offset (milliseconds kept, so nothing is lost). */
export function parisIso(value: string | Date): string {
  const date = new Date(value);
  const p = Object.fromEntries(PARIS_PARTS.formatToParts(date).map((x) => [x.type, x.value]));
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.replace('GMT', '');
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${ms}${offset}`;
}

/** `07 mars 1998`, DS's text form of a date champ. */
function frenchDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]} ${FRENCH_MONTHS[Number(m[2]) - 1]} ${m[1]}` : value;
}

const DATE_LABELS = new Set([
  'Date de naissance',
  'Date de début APT',
  'Date de fin APT',
  'Date de début',
  'Date de fin',
]);

interface V1Champ {
  value: string | null;
  type_de_champ: { libelle: string; type_champ?: string };
}

function champ(c: V1Champ, index: number): Record<string, unknown> {
  const id = Buffer.from(`Champ-${index}`).toString('base64');
  const { libelle, type_champ } = c.type_de_champ;
  const base = { id, label: libelle };
  if (type_champ === 'date' || DATE_LABELS.has(libelle)) {
    return { ...base, __typename: 'DateChamp', date: c.value, stringValue: c.value ? frenchDate(c.value) : null };
  }
  if (type_champ === 'pays' || libelle === 'Nationalité') {
    return {
      ...base,
      __typename: 'PaysChamp',
      pays: c.value ? { name: c.value, code: c.value.slice(0, 2).toUpperCase() } : null,
      stringValue: c.value,
    };
  }
  if (type_champ === 'header_section') return { ...base, __typename: 'HeaderSectionChamp', stringValue: null };
  return { ...base, __typename: 'TextChamp', stringValue: c.value };
}

const opt = (value: unknown) => (typeof value === 'string' && value ? parisIso(value) : null);

export function toDsNode(row: DossierRecordRow): DsNode {
  const d = row.ds_data as Record<string, unknown> & {
    id: number;
    champs?: V1Champ[];
    champs_private?: V1Champ[];
    commentaires?: Array<{ email: string; body: string; created_at: string; attachment: string | null }>;
    instructeurs?: string[];
    etablissement?: { siret?: string } | null;
  };
  const depot = (d.initiated_at ?? d.created_at) as string;
  return {
    id: Buffer.from(`Dossier-${d.id}`).toString('base64'),
    number: d.id,
    state: V2_STATES[String(d.state)] ?? String(d.state),
    archived: d.archived === true,
    motivation: (d.motivation as string | null | undefined) ?? null,
    dateDepot: parisIso(depot),
    datePassageEnInstruction: opt(d.received_at),
    dateTraitement: opt(d.processed_at),
    dateDerniereModification: parisIso((d.updated_at ?? depot) as string),
    usager: { id: 'usager', email: d.email },
    instructeurs: (d.instructeurs ?? []).map((email, i) => ({ id: `instructeur-${i}`, email })),
    demandeur: d.etablissement?.siret
      ? { __typename: 'PersonneMorale', id: 'demandeur', siret: d.etablissement.siret }
      : { __typename: 'PersonnePhysique', id: 'demandeur' },
    champs: (d.champs ?? []).map(champ),
    annotations: (d.champs_private ?? []).map(champ),
    messages: (d.commentaires ?? []).map((m, i) => ({
      id: `message-${i}`,
      email: m.email,
      body: m.body,
      createdAt: parisIso(m.created_at),
      attachments: m.attachment ? [{ url: m.attachment }] : [],
    })),
  };
}

/** The dossier of an aggregator row, as the fake DS server holds it. */
export function toFakeDossier(row: DossierRecordRow): FakeDossier {
  const node = toDsNode(row);
  return {
    demarche: row.procedure_id,
    number: node.number,
    updatedAt: node.dateDerniereModification as string,
    node,
  };
}
