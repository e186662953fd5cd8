import { AlertStatusFilter } from '../alert/alert';
import { ALERT_TYPES, AlertType, isAlertType } from '../alert/alert-type';
import { YearMonth } from '../common/paris-time';

/** Bad input on a page: shown to the user as is, with this status. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new PageError(400, message);

type Query = Record<string, unknown>;

/** One value of a query or form field; a repeated field is bad input, not an array to guess from. */
function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`Le paramètre « ${name} » ne doit figurer qu’une fois.`);
  return value;
}

const UNIT = /^[0-9A-Za-z]{1,8}(-introduction)?$/;

/** `unite`: a unit (`75`, `75-introduction`) or `national`; undefined when absent. */
export function parseUnitParam(query: Query, name = 'unite'): string | undefined {
  const value = single(query, name);
  if (value === undefined || value === 'national') return value;
  if (!UNIT.test(value)) {
    throw badRequest('L’unité doit être un identifiant comme 75, 2A ou 75-introduction.');
  }
  return value;
}

/** `groupe` of the alert filter: a group id (both types of a unit). */
export function parseGroupParam(query: Query): string | undefined {
  const value = single(query, 'groupe');
  if (value !== undefined && !/^[0-9A-Za-z]{1,8}$/.test(value)) {
    throw badRequest('Le groupe doit être un identifiant comme 75 ou 2A.');
  }
  return value;
}

export function parseAlertType(query: Query): AlertType | undefined {
  const value = single(query, 'type');
  if (value !== undefined && !isAlertType(value)) {
    throw badRequest(`Type d’alerte inconnu. Types possibles : ${ALERT_TYPES.join(', ')}.`);
  }
  return value;
}

export function parseAlertStatus(query: Query): AlertStatusFilter | undefined {
  const value = single(query, 'etat');
  if (value === undefined || value === 'toutes') return undefined;
  if (value === 'ouvertes') return 'open';
  if (value === 'resolues') return 'resolved';
  throw badRequest('L’état doit valoir « ouvertes », « resolues » ou « toutes ».');
}

export function parsePage(query: Query): number {
  const value = single(query, 'page');
  if (value === undefined) return 1;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) {
    throw badRequest('Le numéro de page doit être un entier entre 1 et 999999.');
  }
  return Number(value);
}

/** `annee` and `mois` of a report route, validated as the strings they arrive as. */
export function parseReportMonth(annee: string, mois: string): YearMonth {
  if (!/^(201[89]|20[2-9][0-9]|2100)$/.test(annee)) throw badRequest('L’année doit être comprise entre 2018 et 2100.');
  if (!/^(0?[1-9]|1[0-2])$/.test(mois)) throw badRequest('Le mois doit être compris entre 1 et 12.');
  return { year: Number(annee), month: Number(mois) };
}

/** The dossier number typed by staff: digits only, spaces tolerated (as printed on documents). */
export function parseDossierNumber(query: Query): number | undefined {
  const raw = single(query, 'numero');
  if (raw === undefined) return undefined;
  const value = raw.replace(/\s+/g, '');
  if (!/^\d{1,15}$/.test(value) || Number(value) === 0) {
    throw badRequest('Le numéro de dossier doit comporter de 1 à 15 chiffres.');
  }
  return Number(value);
}

export function parseJobForm(body: Query, known: string[]): { job: string; full: boolean } {
  const job = single(body, 'tache');
  if (!job || !known.includes(job)) throw badRequest('Choisissez une tâche de la liste.');
  const full = single(body, 'complet');
  if (full !== undefined && full !== 'oui') throw badRequest('L’option « tous les dossiers » est mal formée.');
  return { job, full: full === 'oui' };
}
