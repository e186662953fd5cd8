import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { dossierNumber } from '../alert/alert.workbook';
import { ALERT_MESSAGES } from '../alert/alert-type';
import { AlertGroup } from '../alert/alert';
import { PARIS } from '../common/paris-time';
import { escapeHtml, FONT, heading, link, mailDocument, MUTED, paragraph, section } from '../mail/mail-html';
import { DigestItem, DigestUnit, DigestWindow } from './alert-digest.rules';

export interface AlertDigestMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Alerts listed one by one, over all units; beyond, the workbook attached has them all. 150 keeps the HTML near
 * 60 KB, under the ~100 KB at which webmails clip a message.
 */
export const MAX_LISTED_ALERTS = 150;

const SIGNATURE = "L'équipe Work In France";
const inParis = tz(PARIS);

function groupLabel(group: AlertGroup): string {
  if (!group.id) return 'Sans unité';
  return group.type === 'introduction' ? `${group.label} (introduction)` : group.label;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const openedText = (n: number) => plural(n, 'nouvelle', 'nouvelles');
const resolvedText = (n: number) => plural(n, 'résolue', 'résolues');

function change(item: DigestItem): string {
  if (item.opened && item.resolved) return 'apparue puis résolue';
  return item.opened ? 'nouvelle' : 'résolue';
}

function dossierLabel(item: DigestItem): string {
  const number = dossierNumber(item.dsKey);
  return number === null ? `Dossier ${item.dsKey}` : `Dossier nº${number}`;
}

/** The daily digest: by unit, the counts by alert type and each alert with its dossier link; the workbook attached. */
export function buildAlertDigestMail(units: DigestUnit[], window: DigestWindow): AlertDigestMail {
  const lines = units.flatMap((u) => u.lines);
  const opened = lines.reduce((n, l) => n + l.opened, 0);
  const resolved = lines.reduce((n, l) => n + l.resolved, 0);
  const day = format(window.until, 'dd/MM/yyyy', { in: inParis });
  const since = format(window.since, "dd/MM/yyyy 'à' HH:mm", { in: inParis });
  const subject = `Work In France : alertes du ${day} (${openedText(opened)}, ${resolvedText(resolved)})`;
  const intro = `Alertes apparues et résolues depuis le ${since} (heure de Paris), par unité.`;
  const total = `Total : ${openedText(opened)}, ${resolvedText(resolved)}`;
  const outro = 'Le classeur joint liste toutes les alertes, avec le courriel envoyé au demandeur le cas échéant.';

  // Which alerts are listed: the first MAX_LISTED_ALERTS in unit order, the rest counted.
  let budget = MAX_LISTED_ALERTS;
  const listed = units.map((unit) => {
    const shown = unit.items.slice(0, Math.max(0, budget));
    budget -= shown.length;
    return { unit, shown, hidden: unit.items.length - shown.length };
  });

  const text =
    [
      'Bonjour,',
      intro,
      ...listed.map(({ unit, shown, hidden }) =>
        [
          groupLabel(unit.group),
          ...unit.lines.map(
            (l) => `- ${ALERT_MESSAGES[l.alertType]} : ${openedText(l.opened)}, ${resolvedText(l.resolved)}`,
          ),
          ...shown.map((item) => `  ${dossierLabel(item)} (${change(item)}) : ${item.url}`.trimStart()),
          ...(hidden > 0 ? [`${hidden} autre(s) alerte(s) dans le classeur joint`] : []),
        ].join('\n'),
      ),
      total,
      outro,
      SIGNATURE,
    ].join('\n\n') + '\n';

  const html = mailDocument(subject, [
    section(
      heading(`Alertes du ${day}`, 1) +
        paragraph('Bonjour,') +
        paragraph(intro) +
        paragraph(total, 'font-weight:bold;'),
    ),
    ...listed.map(({ unit, shown, hidden }) => section(unitHtml(unit, shown, hidden))),
    section(paragraph(outro) + paragraph(SIGNATURE)),
  ]);
  return { subject, text, html };
}

// Lists rather than tables, with the styles on the list: forty units of alerts must stay far below 100 KB.
function unitHtml(unit: DigestUnit, shown: DigestItem[], hidden: number): string {
  const counts = unit.lines
    .map(
      (l) =>
        `<li>${escapeHtml(ALERT_MESSAGES[l.alertType])} : ` +
        `<b>${escapeHtml(openedText(l.opened))}</b>, <b>${escapeHtml(resolvedText(l.resolved))}</b></li>`,
    )
    .join('');
  const items = shown
    .map(
      (item) =>
        `<li>${link(item.url, dossierLabel(item))} ` +
        `<span style="${MUTED}">– ${escapeHtml(ALERT_MESSAGES[item.alertType])}, ${escapeHtml(change(item))}</span></li>`,
    )
    .join('');
  const list = `${FONT}font-size:14px;line-height:21px;margin:0 0 8px;padding-left:20px;`;
  const more =
    hidden > 0 ? paragraph(`${hidden} autre(s) alerte(s) dans le classeur joint.`, `font-size:13px;${MUTED}`) : '';
  return (
    heading(groupLabel(unit.group)) +
    `<ul style="${list}">${counts}</ul>` +
    (items ? `<ul style="${list}">${items}</ul>` : '') +
    more
  );
}
