import { Dossier, dateDebutApt } from '../dossier-source/dossier';
import { EnqueueEntry } from '../mail/outbox.service';
import { Alert } from './alert';
import { ALERT_MESSAGES, AlertType } from './alert-type';
import { buildAlertMail } from './alert.mail';
import { alertMailDeadline, shouldBlockAlertMail } from './alert.rules';
import { isDeliverableAddress } from '../mail/mail-address';

export const ALERT_MAIL_KIND = 'alert';

/**
 * One mail per alert type and dossier, ever: the key outlives the alert itself (DELETE alerts; decision
 * alert-mails-outlive-deleted-alerts).
 */
export function alertDedupeKey(dsKey: string, alertType: AlertType): string {
  return `alert:${dsKey}:${alertType}`;
}

/** The DS instructor view of the dossier. */
export function dossierUrl(dsBaseUrl: string, dossier: Pick<Dossier, 'procedureId' | 'dossierId'>): string {
  return `${dsBaseUrl}/procedures/${dossier.procedureId}/dossiers/${dossier.dossierId}`;
}

export function buildAlert(dossier: Dossier, alertType: AlertType, dsBaseUrl: string): Alert {
  return {
    dsKey: dossier.dsKey,
    alertType,
    message: ALERT_MESSAGES[alertType],
    url: dossierUrl(dsBaseUrl, dossier),
    group: {
      id: dossier.group?.id ?? '',
      type: dossier.group?.type ?? 'autorisation',
      label: dossier.group?.label ?? '',
    },
    state: dossier.state,
    instructorsHistory: dossier.instructorsHistory,
    emailUsager: dossier.email,
    emailInstructors: dossier.instructeurs,
    dateDebutApt: safeDateDebutApt(dossier),
    processedAt: dossier.processedAt,
  };
}

function safeDateDebutApt(dossier: Dossier): string | null {
  try {
    return dateDebutApt(dossier);
  } catch {
    return null;
  }
}

function addresses(values: Array<string | null>, exclude: string[] = []): string[] {
  const seen = new Set(exclude.map((e) => e.toLowerCase()));
  const kept: string[] = [];
  for (const value of values) {
    const address = value?.trim();
    if (!address || !isDeliverableAddress(address) || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    kept.push(address);
  }
  return kept;
}

/**
 * The mail an alert sends, if its type mails anyone: to the applicant, in copy the instructors following the
 * dossier (decision instructors-in-copy-of-alert-mails), in blind copy the contact address (decision
 * contact-address-in-blind-copy). It is queued `blocked` when the decision is already too old to mail about, or when
 * there is no applicant address, so that it is recorded and never sent later.
 */
export function buildAlertMailEntry(
  alert: Alert,
  dossierId: number,
  now: Date,
  contactEmail: string,
  dsBaseUrl: string,
): EnqueueEntry | null {
  const mail = buildAlertMail({
    alertType: alert.alertType,
    dossierId,
    groupId: alert.group.id,
    dateDebutApt: alert.dateDebutApt,
    dsBaseUrl,
  });
  if (!mail) return null;
  const to = addresses([alert.emailUsager]);
  const cc = addresses(alert.emailInstructors, to);
  const bcc = addresses([contactEmail], [...to, ...cc]);
  const blocked = to.length === 0 || shouldBlockAlertMail(alert.processedAt, now);
  return {
    dedupeKey: alertDedupeKey(alert.dsKey, alert.alertType),
    kind: ALERT_MAIL_KIND,
    mail: { to, cc, bcc, subject: mail.subject, text: mail.text, html: mail.html },
    state: blocked ? 'blocked' : 'to_send',
    notAfter: alertMailDeadline(alert.processedAt),
  };
}
