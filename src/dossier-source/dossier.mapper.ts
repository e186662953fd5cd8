import { Champ, Dossier, DossierGroup, DossierMessage } from './dossier';

/** The projection of a `dossier_record` row that the source query selects (see dossier-source.pg.repository.ts). */
export interface DossierProjection {
  ds_key: string;
  procedure_id: number | null;
  state: string | null;
  last_modified: Date | string | null;
  grp: unknown;
  history: unknown;
  meta_initiated_at: unknown;
  meta_received_at: unknown;
  meta_processed_at: unknown;
  dossier_id: unknown;
  email: string | null;
  archived: unknown;
  instructeurs: unknown;
  siret: string | null;
  created_at: string | null;
  initiated_at: string | null;
  received_at: string | null;
  processed_at: string | null;
  /** `libelle␟value` pairs separated by ␞ (see the source query). */
  champs: string | null;
  champs_private: string | null;
  /** `email␟created_at` pairs separated by ␞. */
  messages: string | null;
}

export type MappedDossier = { dossier: Dossier } | { error: string };

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? null : date;
}

function toStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const UNIT = '\u001f';
const RECORD = '\u001e';

/** Splits the `first␟second␞first␟second…` pairs the source query builds. */
function splitPairs(value: string | null): Array<[string, string]> {
  if (!value) return [];
  return value.split(RECORD).map((pair) => {
    const cut = pair.indexOf(UNIT);
    return cut < 0 ? [pair, ''] : [pair.slice(0, cut), pair.slice(cut + 1)];
  });
}

function toChamps(value: string | null): Champ[] {
  // An empty value and a JSON null are the same thing to every rule: "not filled in".
  return splitPairs(value).map(([libelle, v]) => ({ libelle, value: v === '' ? null : v }));
}

function toMessages(value: string | null): DossierMessage[] {
  return splitPairs(value).map(([email, createdAt]) => ({ email, createdAt: toDate(createdAt) }));
}

function toGroup(value: unknown): DossierGroup | null {
  if (!value || typeof value !== 'object') return null;
  const g = value as Record<string, unknown>;
  if (g.id === undefined || g.id === null || g.id === '') return null;
  return {
    id: String(g.id),
    label: typeof g.label === 'string' ? g.label : String(g.id),
    type: g.type === 'introduction' ? 'introduction' : 'autorisation',
  };
}

function toDossierId(value: unknown, dsKey: string): number | null {
  const raw = typeof value === 'number' || typeof value === 'string' ? String(value) : dsKey.split('-')[1];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/** Never throws: real aggregator rows can lack anything, and the rules decide what a missing field means. */
export function toDossier(row: DossierProjection): MappedDossier {
  const dossierId = toDossierId(row.dossier_id, row.ds_key);
  if (dossierId === null) return { error: 'no usable dossier number in ds_data.id or ds_key' };
  const procedureId = row.procedure_id ?? Number(row.ds_key.split('-')[0]);
  return {
    dossier: {
      dsKey: row.ds_key,
      procedureId: Number.isFinite(procedureId) ? procedureId : 0,
      dossierId,
      state: row.state ?? '',
      archived: row.archived === true,
      group: toGroup(row.grp),
      email: row.email,
      instructeurs: toStrings(row.instructeurs),
      instructorsHistory: toStrings(row.history),
      siret: row.siret,
      createdAt: toDate(row.created_at),
      initiatedAt: toDate(row.initiated_at) ?? toDate(row.meta_initiated_at),
      receivedAt: toDate(row.received_at) ?? toDate(row.meta_received_at),
      processedAt: toDate(row.processed_at) ?? toDate(row.meta_processed_at),
      lastModified: toDate(row.last_modified),
      champs: toChamps(row.champs),
      champsPrivate: toChamps(row.champs_private),
      messages: toMessages(row.messages),
    },
  };
}
