import { addCalendarDays, frenchDay, isCalendarDay } from '../common/paris-time';
import { escapeHtml, FONT, heading, link, mailDocument, MUTED, paragraph, section } from '../mail/mail-html';
import { AlertType, MailedAlertType, isMailedAlertType } from './alert-type';

/**
 * The mail sent to an applicant whose APT was accepted with unusable dates: what is wrong, why the administration
 * cannot fix it, what to do, whom to ask. Plain current French, a text part and an HTML part saying the same.
 */
export interface AlertMailInput {
  alertType: AlertType;
  dossierId: number;
  groupId: string;
  /** Raw "Date de début APT" annotation (`YYYY-MM-DD`), as stored with the alert. */
  dateDebutApt: string | null;
  /** démarches-simplifiées' address, for the applicant's own page of the dossier (and its messaging). */
  dsBaseUrl: string;
}

export interface AlertMail {
  subject: string;
  text: string;
  html: string;
}

/** The suggested date for a new dossier falls about a month before a twelve-month APT would end. */
export const NEW_DOSSIER_AFTER_DAYS = 330;

/**
 * Légifrance's stable addresses of the two codes (a code's LEGITEXT identifier never changes; article pages and the
 * old `affichCodeArticle.do` links do). The articles are named in the text.
 */
export const LEGAL_LINKS = {
  crpa: 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350',
  codeDuTravail: 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006072050',
} as const;

interface Paragraph {
  text: string;
  /** A link shown after the text: in the text part as the bare address, in HTML as a link. */
  link?: { url: string; label: string };
}

interface AlertMailBody {
  /** What is wrong with the authorisation. */
  problem: string;
  why: Paragraph;
  /** What the applicant must do. */
  action: string;
}

const CANNOT_CORRECT: Paragraph = {
  text:
    "L'administration ne peut pas modifier elle-même une décision qui accorde un droit, sauf dans les cas limités " +
    "prévus par l'article L242-1 du code des relations entre le public et l'administration. La DREETS (anciennement " +
    'Direccte) ne peut donc pas corriger cette autorisation : une nouvelle demande est nécessaire.',
  link: { url: LEGAL_LINKS.crpa, label: "Code des relations entre le public et l'administration sur Légifrance" },
};

const TWELVE_MONTHS: Paragraph = {
  text:
    "Une autorisation provisoire de travail est accordée pour douze mois au plus. Les règles de l'autorisation de " +
    'travail des salariés étrangers figurent aux articles R5221-1 et suivants du code du travail.',
  link: { url: LEGAL_LINKS.codeDuTravail, label: 'Code du travail sur Légifrance' },
};

const AS_SOON_AS_POSSIBLE = 'Déposez un nouveau dossier sur démarches-simplifiées, le plus rapidement possible.';

/** From the start date when it is readable; otherwise the rule itself, rather than "Invalid Date". */
function newDossierFrom(dateDebutApt: string | null): string {
  const start = dateDebutApt?.trim() ?? null;
  if (!isCalendarDay(start)) {
    return (
      `Pour continuer à travailler au-delà, déposez un nouveau dossier sur démarches-simplifiées ` +
      `${NEW_DOSSIER_AFTER_DAYS} jours après la date de début de votre autorisation.`
    );
  }
  const from = frenchDay(addCalendarDays(start, NEW_DOSSIER_AFTER_DAYS));
  return `Pour continuer à travailler au-delà, déposez un nouveau dossier sur démarches-simplifiées à partir du ${from}.`;
}

const BODIES: Record<MailedAlertType, (input: AlertMailInput) => AlertMailBody> = {
  closedWithoutDateDebutOrDateFin: () => ({
    problem: "il manque la date de début ou la date de fin. Elle n'est donc pas valable.",
    why: CANNOT_CORRECT,
    action: AS_SOON_AS_POSSIBLE,
  }),
  closedWithDebutSupFin: () => ({
    problem: "sa date de fin est antérieure à sa date de début. Elle n'est donc pas valable.",
    why: CANNOT_CORRECT,
    action: AS_SOON_AS_POSSIBLE,
  }),
  closedWithSupOneYear: ({ dateDebutApt }) => ({
    problem: 'sa durée dépasse douze mois.',
    why: TWELVE_MONTHS,
    action: newDossierFrom(dateDebutApt),
  }),
};

export function alertMailSubject(dossierId: number, groupId: string): string {
  return `Erreur sur votre APT WorkInFrance nº${dossierId} / UD${groupId}`;
}

/** The applicant's page of the dossier on démarches-simplifiées, where its messaging is. */
export function applicantDossierUrl(dsBaseUrl: string, dossierId: number): string {
  return `${dsBaseUrl.replace(/\/+$/, '')}/dossiers/${dossierId}`;
}

const SIGNATURE = "L'équipe Work In France, pour les DREETS";
const NO_REPLY = 'Ce courriel est envoyé automatiquement : les réponses ne sont pas lues.';

/** The mail to the applicant for this alert, or null for the alert types that mail nobody. */
export function buildAlertMail(input: AlertMailInput): AlertMail | null {
  if (!isMailedAlertType(input.alertType)) return null;
  const { problem, why, action } = BODIES[input.alertType](input);
  const subject = alertMailSubject(input.dossierId, input.groupId);
  const intro =
    `Votre autorisation provisoire de travail (APT) nº${input.dossierId}, délivrée par la DREETS ` +
    `(unité départementale ${input.groupId}), comporte une erreur : ${problem}`;
  const dossier = applicantDossierUrl(input.dsBaseUrl, input.dossierId);
  const contact =
    'Pour toute question, écrivez au service instructeur depuis la messagerie de votre dossier sur ' +
    'démarches-simplifiées :';

  const text =
    [
      'Bonjour,',
      intro,
      `Pourquoi une nouvelle demande ?\n${why.text}${why.link ? `\n${why.link.url}` : ''}`,
      `Ce que vous devez faire\n${action}`,
      `Qui contacter\n${contact}\n${dossier}`,
      `Bonne journée,\n${SIGNATURE}`,
      NO_REPLY,
    ].join('\n\n') + '\n';

  const small = `<p style="${FONT}font-size:12px;line-height:18px;${MUTED}margin:0;">`;
  const html = mailDocument(subject, [
    section(heading(`Erreur sur votre autorisation provisoire de travail nº${input.dossierId}`, 1)),
    section(paragraph('Bonjour,') + paragraph(intro)),
    section(
      heading('Pourquoi une nouvelle demande ?') +
        paragraph(why.text) +
        (why.link ? `${small}${link(why.link.url, why.link.label)}</p>` : ''),
    ),
    section(heading('Ce que vous devez faire') + paragraph(action)),
    section(
      heading('Qui contacter') +
        paragraph(contact, 'margin-bottom:4px;') +
        `<p style="${FONT}font-size:15px;margin:0;word-break:break-all;">${link(dossier, dossier)}</p>`,
    ),
    section(paragraph('Bonne journée,', 'margin-bottom:0;') + paragraph(SIGNATURE)),
    section(`${small}${escapeHtml(NO_REPLY)}</p>`),
  ]);
  return { subject, text, html };
}
