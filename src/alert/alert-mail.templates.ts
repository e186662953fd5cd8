import { addCalendarDays, frenchDay, isCalendarDay } from '../common/paris-time';
import { AlertType, MailedAlertType, isMailedAlertType } from './alert-type';

/**
 * Texts of the mails sent to applicants whose APT was accepted with bad dates (domain.md 5.6), word for word, with
 * the fixes of B5 (`UD75`, not `UD075`) and B24 (one form, `nº` U+00BA, where the original mixed in `n°` U+00B0).
 * Paragraphs are separated by one blank line, as in the original template.
 */
export interface AlertMailInput {
  alertType: AlertType;
  dossierId: number;
  groupId: string;
  /** Raw "Date de début APT" annotation (`YYYY-MM-DD`), as stored with the alert. */
  dateDebutApt: string | null;
}

export interface AlertMail {
  subject: string;
  text: string;
}

/** The suggested date for a new dossier falls about a month before a twelve-month APT would end. */
export const NEW_DOSSIER_AFTER_DAYS = 330;

const GREETING = 'Bonjour,';

// The blank lines are part of the text the applicants have always received.
export const ALERT_MAIL_SIGNATURE = `Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`;

const ARTICLE_L242_1 =
  "Selon l'article L.242-1 du Code des relations entre le public et l'administration " +
  '(https://www.legifrance.gouv.fr/affichCodeArticle.do?cidTexte=LEGITEXT000031366350&idArticle=LEGIARTI000031367657' +
  "&dateTexte=&categorieLien=cid) l'administration ne peut revenir sur une décision créatrice de droits. " +
  "Ainsi, les agents du service de la main d'oeuvre étrangère de la Direccte ne peuvent revenir sur cette décision.";

const ARTICLE_R5221_3 =
  "Selon l'alinéa 14 de l'article R.5221-3 du Code du travail " +
  '(https://www.legifrance.gouv.fr/affichCodeArticle.do?idArticle=LEGIARTI000038189414&cidTexte=LEGITEXT000006072050' +
  '&dateTexte=20190301) une autorisation provisoire de travail a une durée maximale de douze mois.';

const NEW_DOSSIER_AS_SOON_AS_POSSIBLE =
  'Nous vous suggérons de déposer un nouveau dossier le plus rapidement possible.';

function errorIntro(dossierId: number): string {
  return `Nous avons identifié une erreur sur votre autorisation provisoire de travail nº${dossierId}.`;
}

/**
 * The original prints the date without a final period; kept as is. Without a readable start date (the alert row
 * keeps the raw annotation) the rule itself is stated instead of crashing or printing "Invalid Date".
 */
function newDossierFrom(dateDebutApt: string | null): string {
  const start = dateDebutApt?.trim() ?? null;
  if (!isCalendarDay(start)) {
    return (
      `Nous vous suggérons de déposer un nouveau dossier ${NEW_DOSSIER_AFTER_DAYS} jours après la date de début ` +
      'de votre autorisation.'
    );
  }
  const from = frenchDay(addCalendarDays(start, NEW_DOSSIER_AFTER_DAYS));
  return `Nous vous suggérons de déposer un nouveau dossier à partir du ${from}`;
}

function paragraphs(...parts: string[]): string {
  return parts.join('\n\n');
}

const MAIL_BODIES: Record<MailedAlertType, (input: AlertMailInput) => string> = {
  closedWithoutDateDebutOrDateFin: ({ dossierId }) =>
    paragraphs(
      `${errorIntro(dossierId)} En effet, il n'y a pas de date de début et/ou de date de fin sur votre autorisation ` +
        "qui, par conséquent, n'est pas valide.",
      ARTICLE_L242_1,
      NEW_DOSSIER_AS_SOON_AS_POSSIBLE,
    ),
  closedWithDebutSupFin: ({ dossierId }) =>
    paragraphs(
      `${errorIntro(dossierId)} En effet, la date de fin est antérieure à la date de début de votre autorisation ` +
        "qui, par conséquent, n'est pas valide.",
      ARTICLE_L242_1,
      NEW_DOSSIER_AS_SOON_AS_POSSIBLE,
    ),
  closedWithSupOneYear: ({ dossierId, dateDebutApt }) =>
    paragraphs(
      `${errorIntro(dossierId)} En effet, la durée de votre autorisation est supérieure à 12 mois.`,
      ARTICLE_R5221_3,
      newDossierFrom(dateDebutApt),
    ),
};

export function alertMailSubject(dossierId: number, groupId: string): string {
  return `Erreur sur votre APT WorkInFrance nº${dossierId} / UD${groupId}`;
}

/** The mail to the applicant for this alert, or null for the alert types that mail nobody. */
export function buildAlertMail(input: AlertMailInput): AlertMail | null {
  if (!isMailedAlertType(input.alertType)) return null;
  const body = MAIL_BODIES[input.alertType](input);
  return {
    subject: alertMailSubject(input.dossierId, input.groupId),
    text: paragraphs(GREETING, body, ALERT_MAIL_SIGNATURE),
  };
}
