import { addCalendarMonths, daysBetween, isCalendarDay, parisDay } from '../common/paris-time';
import { Dossier, dateDebutApt, dateFinApt, groupType } from '../dossier-source/dossier';
import { AlertType } from './alert-type';

/**
 * The "dossiers en souffrance" rules (docs/domain.md#alerts), with the decisions delay-alerts-fire-after-max-days,
 * paris-calendar-day-arithmetic, apt-limit-is-twelve-calendar-months, instructors-recognised-by-history-and-domains
 * and absent-apt-start-date-is-missing. Pure: the clock and the settings come in as arguments. A rule never throws:
 * one malformed dossier used to block the whole alert job for good (decision malformed-dossier-skipped-not-blocking),
 * so anything unreadable counts as absent.
 */
export interface AlertSettings {
  maxInitiatedDays: number;
  maxReceivedDays: number;
  /** Instructors write from these domains or their subdomains (e.g. `direccte.gouv.fr`, `dreets.gouv.fr`). */
  administrationDomains: string[];
}

/** DS writes its own notifications (receipt, decision…) into the messaging with this sender. */
export const DS_SENDER_EMAIL = 'contact@demarches-simplifiees.fr';

export const MAX_APT_MONTHS = 12;

/** A decision older than this many whole days no longer mails the applicant (an old fix would only confuse). */
export const MAIL_BLOCK_AFTER_DAYS = 2;

const DAY_MS = 86_400_000;

export interface AptDays {
  /** `YYYY-MM-DD`, or null when the annotation is absent, empty or not a real calendar day. */
  start: string | null;
  end: string | null;
}

function readAptDay(dossier: Dossier, read: (d: Dossier) => string | null): string | null {
  let value: string | null;
  try {
    value = read(dossier);
  } catch {
    // A row whose annotations are not the expected list of string champs: treat the date as absent.
    return null;
  }
  return isCalendarDay(value) ? value : null;
}

export function aptDays(dossier: Dossier): AptDays {
  return { start: readAptDay(dossier, dateDebutApt), end: readAptDay(dossier, dateFinApt) };
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function appliesToAptDates(dossier: Dossier): boolean {
  // Introductions carry no APT dates; only autorisations are checked (a missing group type means autorisation).
  return groupType(dossier) === 'autorisation';
}

/**
 * "Date de début APT" or "Date de fin APT" absent, empty or unparseable. Unlike the original, an absent start date
 * counts as missing (decision absent-apt-start-date-is-missing), and a garbage value is reported here rather than
 * silently passing the other date rules.
 */
export function hasMissingAptDate(dossier: Dossier): boolean {
  if (!appliesToAptDates(dossier)) return false;
  const { start, end } = aptDays(dossier);
  return start === null || end === null;
}

/** End strictly before start; a one-day APT (end = start) is fine. */
export function hasAptEndBeforeStart(dossier: Dossier): boolean {
  if (!appliesToAptDates(dossier)) return false;
  const { start, end } = aptDays(dossier);
  return start !== null && end !== null && daysBetween(start, end) < 0;
}

/**
 * End after the same calendar day twelve months later (decision apt-limit-is-twelve-calendar-months: the original
 * needed 13 whole months). So 2020-01-01 → 2021-01-01 passes and 2020-01-01 → 2021-01-02 does not.
 */
export function hasAptLongerThanOneYear(dossier: Dossier): boolean {
  if (!appliesToAptDates(dossier)) return false;
  const { start, end } = aptDays(dossier);
  return start !== null && end !== null && daysBetween(addCalendarMonths(start, MAX_APT_MONTHS), end) > 0;
}

/**
 * More than `maxDays` calendar days in Paris between `since` and `now` (decision delay-alerts-fire-after-max-days:
 * the original compared in the wrong order and never fired; decision paris-calendar-day-arithmetic: counting Paris
 * calendar days keeps DST changes and the UTC offset out of the count).
 */
export function isDelayTooLong(since: Date | null, now: Date, maxDays: number): boolean {
  if (!isValidDate(since) || !isValidDate(now)) return false;
  return daysBetween(parisDay(since), parisDay(now)) > maxDays;
}

function normalizeEmail(email: unknown): string | null {
  return typeof email === 'string' ? email.trim().toLowerCase() : null;
}

function normalizeDomain(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .replace(/^[@.]+/, '');
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Whether a message sender is on the administration's side (decision instructors-recognised-by-history-and-domains).
 * The original only accepted addresses ending with `direccte.gouv.fr` (so DREETS instructors, after the 2021 rename,
 * raised false alerts, and `notdireccte.gouv.fr` passed). Known instructors of the dossier always count, whatever
 * their domain.
 */
export function isInstructorEmail(email: string, dossier: Dossier, administrationDomains: readonly string[]): boolean {
  const sender = normalizeEmail(email);
  if (!sender) return false;
  const known = [...asList(dossier.instructorsHistory), ...asList(dossier.instructeurs)].map(normalizeEmail);
  if (known.includes(sender)) return true;
  if (!sender.includes('@')) return false;
  const domain = emailDomain(sender);
  return administrationDomains
    .map(normalizeDomain)
    .some((allowed) => allowed !== '' && (domain === allowed || domain.endsWith(`.${allowed}`)));
}

/**
 * The applicant wrote after the decision and nobody from the administration has answered since: only the last
 * message that is not a DS notification matters, because an instructor's reply after the applicant's means the
 * dossier is being handled.
 */
export function isMessageSentAfterDecision(dossier: Dossier, administrationDomains: readonly string[]): boolean {
  if (dossier.archived !== true || !isValidDate(dossier.processedAt)) return false;
  const processedAt = dossier.processedAt.getTime();
  const messages = asList(dossier.messages).filter(
    (m): m is { email: unknown; createdAt: unknown } => typeof m === 'object' && m !== null,
  );
  const last = messages.filter((m) => normalizeEmail(m.email) !== DS_SENDER_EMAIL).at(-1);
  if (!last) return false;
  if (typeof last.email === 'string' && isInstructorEmail(last.email, dossier, administrationDomains)) return false;
  return isValidDate(last.createdAt) && last.createdAt.getTime() > processedAt;
}

/** Every alert the dossier raises now, in `ALERT_TYPES` order. */
export function evaluateAlerts(dossier: Dossier, now: Date, settings: AlertSettings): AlertType[] {
  const alerts: AlertType[] = [];
  const domains = asList(settings.administrationDomains).filter((d): d is string => typeof d === 'string');
  switch (dossier.state) {
    case 'closed':
      if (hasMissingAptDate(dossier)) alerts.push('closedWithoutDateDebutOrDateFin');
      if (hasAptEndBeforeStart(dossier)) alerts.push('closedWithDebutSupFin');
      if (hasAptLongerThanOneYear(dossier)) alerts.push('closedWithSupOneYear');
      if (isMessageSentAfterDecision(dossier, domains)) alerts.push('closedAndMessageReceived');
      break;
    case 'refused':
      if (isMessageSentAfterDecision(dossier, domains)) alerts.push('refusedAndMessageReceived');
      break;
    case 'without_continuation':
      if (isMessageSentAfterDecision(dossier, domains)) alerts.push('withoutContinuationAndMessageReceived');
      break;
    case 'received':
      if (isDelayTooLong(dossier.receivedAt, now, settings.maxReceivedDays)) alerts.push('receivedAndDelayTooLong');
      break;
    case 'initiated':
      if (isDelayTooLong(dossier.initiatedAt, now, settings.maxInitiatedDays)) alerts.push('initiatedAndDelayTooLong');
      break;
  }
  return alerts;
}

/**
 * Whether an alert mail about a decision taken at `processedAt` must no longer be sent at `now`. Kept from the
 * original (`differenceInDays(now, processedAt) > 2`): it counts whole elapsed days, so 2 days 23:59 still sends and
 * 3 days blocks. We count elapsed 24-hour periods; date-fns v1 counted local days, which differs by at most the
 * DST hour around a clock change, a difference that does not matter for a cut-off this coarse. Without a decision
 * date, age cannot block.
 */
export function shouldBlockAlertMail(processedAt: Date | null, now: Date): boolean {
  if (!isValidDate(processedAt) || !isValidDate(now)) return false;
  const wholeDays = Math.trunc((now.getTime() - processedAt.getTime()) / DAY_MS);
  return wholeDays > MAIL_BLOCK_AFTER_DAYS;
}

/**
 * The first instant at which `shouldBlockAlertMail` holds: an alert mail still unsent then is blocked, whichever job
 * reaches it (a retry after a long SMTP outage included). Null when the decision date is unknown.
 */
export function alertMailDeadline(processedAt: Date | null): Date | null {
  if (!isValidDate(processedAt)) return null;
  return new Date(processedAt.getTime() + (MAIL_BLOCK_AFTER_DAYS + 1) * DAY_MS);
}
