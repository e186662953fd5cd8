import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ALERT_MESSAGES, AlertType } from '../alert/alert-type';
import { YearMonth } from '../common/paris-time';
import { frenchMonthName } from '../monthly-report/french-months';
import { CategoryKey } from '../monthly-report/monthly-report.types';

/** The dashboard's names of the report categories (the workbooks keep their own, shorter ones). */
export const CATEGORY_NAMES: Record<CategoryKey, string> = {
  more3Months: 'Acceptés, APT ≥ 3 mois',
  less3Months: 'Acceptés, APT < 3 mois',
  unknownDuration: 'Acceptés, durée inconnue',
  refused: 'Refusés',
  withoutContinuation: 'Classés sans suite',
};

/** DSFR illustrative colours, each with a contrast of 3:1 or more against white. */
export const CATEGORY_COLORS: Record<CategoryKey, string> = {
  more3Months: '#18753c',
  less3Months: '#0063cb',
  unknownDuration: '#716043',
  refused: '#ce0500',
  withoutContinuation: '#6e445a',
};

export const ALERT_TYPE_NAMES: Record<AlertType, string> = ALERT_MESSAGES;

export const MAIL_STATES: Record<string, string> = {
  to_send: 'à envoyer',
  sent: 'envoyé',
  blocked: 'bloqué (décision trop ancienne)',
  failed: 'échec',
};

export const JOB_STATUSES: Record<string, string> = {
  running: 'en cours',
  succeeded: 'réussie',
  failed: 'échouée',
  abandoned: 'abandonnée',
};

export const DOSSIER_STATES: Record<string, string> = {
  initiated: 'en construction',
  received: 'en instruction',
  closed: 'accepté',
  refused: 'refusé',
  without_continuation: 'classé sans suite',
};

export function monthLabel({ year, month }: YearMonth): string {
  return `${frenchMonthName(month)} ${year}`;
}

/** Short axis label: "janv. 25". */
const SHORT_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

export function shortMonthLabel({ year, month }: YearMonth): string {
  return `${SHORT_MONTHS[month - 1]} ${String(year).slice(2)}`;
}

/** A date and time as Paris reads it. */
export function parisDateTime(date: Date | null): string {
  if (!date) return '—';
  return format(new TZDate(date, 'Europe/Paris'), 'dd/MM/yyyy HH:mm');
}

export function days(value: number | null): string {
  return value === null ? '—' : `${(Math.round(value * 10) / 10).toLocaleString('fr-FR')} j`;
}

export function number(value: number): string {
  return value.toLocaleString('fr-FR');
}

/** "+12 %", "−5 %", "—" when there is no base. */
export function change(current: number, previous: number | null): string {
  if (previous === null || previous === 0) return '—';
  const pct = Math.round(((current - previous) / previous) * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)} %`;
}
