/**
 * The "dossiers en souffrance" alert types. The identifiers and the `message` texts are stored in `alert.alert_type`
 * and `alert.message` and shown in the alert workbook, so they must stay exactly as the original back office wrote
 * them (docs/domain.md#alerts).
 */
export const ALERT_TYPES = [
  'closedWithoutDateDebutOrDateFin',
  'closedWithDebutSupFin',
  'closedWithSupOneYear',
  'closedAndMessageReceived',
  'refusedAndMessageReceived',
  'withoutContinuationAndMessageReceived',
  'receivedAndDelayTooLong',
  'initiatedAndDelayTooLong',
] as const;

export type AlertType = (typeof ALERT_TYPES)[number];

export const ALERT_MESSAGES: Readonly<Record<AlertType, string>> = {
  closedWithoutDateDebutOrDateFin: 'dossier accepté, date de début et/ou de fin APT manquante',
  closedWithDebutSupFin: 'dossier accepté, date de fin APT antérieure à Date de début APT',
  closedWithSupOneYear: 'dossier accepté, durée APT supérieure à 12 mois',
  closedAndMessageReceived: 'dossier archivé et message envoyé après acceptation',
  refusedAndMessageReceived: 'dossier archivé et message envoyé après refus',
  withoutContinuationAndMessageReceived: 'dossier archivé et message après classement sans suite',
  receivedAndDelayTooLong: "durée d'instruction de dossier dépassée",
  initiatedAndDelayTooLong: 'durée de construction de dossier dépassée',
};

/**
 * Only the accepted-with-bad-dates alerts mail the applicant; the original's instructor-facing templates for the
 * other five were disabled, and the mails are what the applicant can act on (file a new dossier).
 */
export const MAILED_ALERT_TYPES = [
  'closedWithoutDateDebutOrDateFin',
  'closedWithDebutSupFin',
  'closedWithSupOneYear',
] as const satisfies readonly AlertType[];

export type MailedAlertType = (typeof MAILED_ALERT_TYPES)[number];

export function isAlertType(value: unknown): value is AlertType {
  return typeof value === 'string' && (ALERT_TYPES as readonly string[]).includes(value);
}

export function isMailedAlertType(value: unknown): value is MailedAlertType {
  return typeof value === 'string' && (MAILED_ALERT_TYPES as readonly string[]).includes(value);
}
