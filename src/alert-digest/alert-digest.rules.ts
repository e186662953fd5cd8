import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { PARIS } from '../common/paris-time';
import { ALERT_MESSAGES, AlertType, isAlertType } from '../alert/alert-type';
import { AlertGroup, StoredAlert } from '../alert/alert';
import { escapeHtml } from '../mail/mail-html';

/** The span a digest covers: `since` inclusive, `until` exclusive. */
export interface DigestWindow {
  since: Date;
  until: Date;
}

export interface DigestLine {
  group: AlertGroup;
  alertType: AlertType;
  /** Alerts first detected in the window. */
  opened: number;
  /** Alerts whose condition stopped holding in the window, and still resolved. */
  resolved: number;
}

const within = (at: Date | null, { since, until }: DigestWindow) =>
  at !== null && at.getTime() >= since.getTime() && at.getTime() < until.getTime();

/** Counts, per group and alert type, the alerts opened and resolved in the window; fed one alert at a time. */
export class DigestTally {
  private readonly lines = new Map<string, DigestLine>();

  constructor(private readonly window: DigestWindow) {}

  add(alert: StoredAlert): void {
    const opened = within(alert.detectedAt, this.window);
    const resolved = within(alert.resolvedAt, this.window);
    if ((!opened && !resolved) || !isAlertType(alert.alertType)) return;
    const key = `${alert.group.id}/${alert.group.type}/${alert.alertType}`;
    const line = this.lines.get(key) ?? { group: alert.group, alertType: alert.alertType, opened: 0, resolved: 0 };
    if (opened) line.opened += 1;
    if (resolved) line.resolved += 1;
    this.lines.set(key, line);
  }

  /** By group (id, autorisation before introduction), then in the order of the alert types. */
  result(): DigestLine[] {
    const typeOrder = Object.keys(ALERT_MESSAGES);
    return [...this.lines.values()].sort(
      (a, b) =>
        a.group.id.localeCompare(b.group.id, 'fr', { numeric: true }) ||
        a.group.type.localeCompare(b.group.type) ||
        typeOrder.indexOf(a.alertType) - typeOrder.indexOf(b.alertType),
    );
  }
}

export interface AlertDigestMail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = "L'équipe Work In France";
const inParis = tz(PARIS);

function groupLabel(group: AlertGroup): string {
  if (!group.id) return 'Sans unité';
  return group.type === 'introduction' ? `${group.label} (introduction)` : group.label;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const openedText = (n: number) => plural(n, 'nouvelle', 'nouvelles');
const resolvedText = (n: number) => plural(n, 'résolue', 'résolues');

/** The daily digest: what appeared and what was resolved, by unit and alert type. */
export function buildAlertDigestMail(lines: DigestLine[], window: DigestWindow): AlertDigestMail {
  const opened = lines.reduce((n, l) => n + l.opened, 0);
  const resolved = lines.reduce((n, l) => n + l.resolved, 0);
  const day = format(window.until, 'dd/MM/yyyy', { in: inParis });
  const since = format(window.since, "dd/MM/yyyy 'à' HH:mm", { in: inParis });
  const subject = `Work In France : alertes du ${day} (${openedText(opened)}, ${resolvedText(resolved)})`;
  const intro = `Alertes apparues et résolues depuis le ${since} (heure de Paris), par unité.`;
  const outro = 'Le détail des dossiers est dans le classeur des dossiers en souffrance.';

  const groups = new Map<string, DigestLine[]>();
  for (const line of lines) {
    const label = groupLabel(line.group);
    groups.set(label, [...(groups.get(label) ?? []), line]);
  }

  const textBlocks = [...groups.entries()].map(([label, groupLines]) =>
    [
      label,
      ...groupLines.map(
        (l) => `- ${ALERT_MESSAGES[l.alertType]} : ${openedText(l.opened)}, ${resolvedText(l.resolved)}`,
      ),
    ].join('\n'),
  );
  const text =
    [
      'Bonjour,',
      intro,
      ...textBlocks,
      `Total : ${openedText(opened)}, ${resolvedText(resolved)}`,
      outro,
      SIGNATURE,
    ].join('\n\n') + '\n';

  return { subject, text, html: renderHtml(subject, intro, outro, groups, opened, resolved) };
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const CELL = `${FONT}padding:6px 8px;border-bottom:1px solid #e5e5e5;font-size:14px;color:#1e1e1e;`;
const HEAD = `${CELL}background-color:#f0f0f5;font-weight:bold;`;

function renderHtml(
  subject: string,
  intro: string,
  outro: string,
  groups: Map<string, DigestLine[]>,
  opened: number,
  resolved: number,
): string {
  const paragraph = (text: string) =>
    `<p style="${FONT}font-size:15px;line-height:22px;color:#1e1e1e;margin:0 0 12px;">${escapeHtml(text)}</p>`;
  const row = (cells: string[], bold = false) =>
    '<tr>' +
    cells
      .map(
        (cell, i) =>
          `<td${i >= 2 ? ' align="right"' : ''} style="${CELL}${bold ? 'font-weight:bold;' : ''}">${cell}</td>`,
      )
      .join('') +
    '</tr>';
  const rows = [...groups.entries()].flatMap(([label, lines]) =>
    lines.map((line, i) =>
      row([
        i === 0 ? escapeHtml(label) : '',
        escapeHtml(ALERT_MESSAGES[line.alertType]),
        escapeHtml(String(line.opened)),
        escapeHtml(String(line.resolved)),
      ]),
    ),
  );
  return (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(subject)}</title></head>` +
    '<body style="margin:0;padding:24px 12px;background-color:#f4f5f7;">' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ' +
    'style="max-width:720px;margin:0 auto;background-color:#ffffff;"><tr><td style="padding:24px;">' +
    paragraph('Bonjour,') +
    paragraph(intro) +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${FONT}border-collapse:collapse;">` +
    '<tr>' +
    `<th align="left" style="${HEAD}">Unité</th><th align="left" style="${HEAD}">Alerte</th>` +
    `<th align="right" style="${HEAD}">Nouvelles</th><th align="right" style="${HEAD}">Résolues</th>` +
    '</tr>' +
    rows.join('') +
    row(['Total', '', escapeHtml(String(opened)), escapeHtml(String(resolved))], true) +
    '</table>' +
    `<div style="height:12px;"></div>${paragraph(outro)}${paragraph(SIGNATURE)}` +
    '</td></tr></table></body></html>'
  );
}
