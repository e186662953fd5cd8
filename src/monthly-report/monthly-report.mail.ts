import {
  CELL,
  dataTable,
  escapeHtml,
  FONT,
  heading,
  inlineImage,
  mailDocument,
  MUTED,
  paragraph,
  phoneLabel,
  section,
  td,
  th,
} from '../mail/mail-html';
import { CHART_HEIGHT, CHART_WIDTH } from './monthly-report.chart';
import {
  ACCEPTED_LABEL,
  CATEGORY_HEADERS,
  FigureLine,
  formatDays,
  NATIONALITIES_SCOPE,
  NationalFigures,
  NOT_AVAILABLE,
  signedDifference,
  TREND_MONTHS,
  UnitFigures,
} from './monthly-report.view';

/** What the mail builders give the mailer: the mail's text, free of I/O (attachments are the mailer's). */
export interface ReportMailContent {
  subject: string;
  text: string;
  html: string;
}

/** The content id of the 12-month chart attached inline to every monthly mail. */
export const CHART_CID = 'tendance-12-mois@workinfrance';

/** Nationalities listed in the mail; the workbook lists ten, counted the same way. */
export const MAIL_NATIONALITIES = 5;
const SIGNATURE = "L'équipe Work In France";
// The column is 600 px with 24 px of padding either side.
const IMAGE_WIDTH = 552;
const IMAGE_HEIGHT = Math.round((IMAGE_WIDTH * CHART_HEIGHT) / CHART_WIDTH);

/** A label is data and a subject is a header line: a stray line break must not start a new header. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

// ---------------------------------------------------------------------------------------------------------------------
// One unit's mail.

export function buildUnitReportMail(unit: UnitFigures): ReportMailContent {
  const subject = `Work In France : rapport mensuel ${oneLine(unit.label)} – ${unit.period}`;
  const intro = `Voici les chiffres de ${unit.period} ; le classeur joint les détaille, avec la liste des dossiers refusés et classés sans suite.`;
  return {
    subject,
    text: unitText(unit, intro),
    html: mailDocument(subject, [
      section(heading(`${unit.label} – ${unit.period}`, 1) + paragraph('Bonjour,') + paragraph(intro)),
      section(figuresTable(unit) + noPreviousNote(unit)),
      section(nationalitiesHtml(unit.nationalities, unit.accepted)),
      section(chartHtml(unit.label)),
      section(paragraph(SIGNATURE)),
    ]),
  };
}

function evolutionText(line: FigureLine, previousMonth: string): string {
  if (line.previous === null) return '';
  return ` (${previousMonth} : ${line.previous}, ${signedDifference(line.count, line.previous)})`;
}

function unitText(unit: UnitFigures, intro: string): string {
  const lines = [...unit.lines, unit.total].map((line) => {
    let text = `${line.label} : ${line.count}${evolutionText(line, unit.previousMonthName)}`;
    if (line.medianDays !== null) text += `, délai médian ${formatDays(line.medianDays)} j`;
    return text;
  });
  const blocks = ['Bonjour,', intro, [unit.label, ...lines].join('\n')];
  if (unit.nationalities.length > 0) {
    const list = unit.nationalities
      .slice(0, MAIL_NATIONALITIES)
      .map(([country, count]) => `${country} ${count}`)
      .join(', ');
    blocks.push(`Nationalités les plus fréquentes (${NATIONALITIES_SCOPE}) : ${list}`);
  }
  if (!unit.hasPrevious) blocks.push(`Pas de rapport pour ${unit.previousMonthName} : évolution non disponible.`);
  blocks.push(SIGNATURE);
  return blocks.join('\n\n') + '\n';
}

/** Arrow and signed difference; direction, not judgement, so no green/red. */
function evolutionHtml(line: FigureLine, previousMonth: string): string {
  if (line.previous === null) return NOT_AVAILABLE;
  const diff = line.count - line.previous;
  const arrow = diff > 0 ? '&#9650;&nbsp;' : diff < 0 ? '&#9660;&nbsp;' : '';
  const was = `${escapeHtml(previousMonth)}&nbsp;: ${escapeHtml(line.previous)}`;
  return `${arrow}${escapeHtml(signedDifference(line.count, line.previous))} <span style="${MUTED}">(${was})</span>`;
}

function figuresTable(unit: UnitFigures): string {
  const rows = [...unit.lines, unit.total].map((line) => {
    const weight = line.key === 'total' ? 'font-weight:bold;' : '';
    const median =
      line.key === 'total' ? '' : line.medianDays === null ? NOT_AVAILABLE : escapeHtml(formatDays(line.medianDays));
    return (
      '<tr>' +
      td(escapeHtml(line.label), 'left', weight) +
      td(phoneLabel('Nombre') + escapeHtml(line.count), 'right', weight) +
      td(phoneLabel('Évolution') + evolutionHtml(line, unit.previousMonthName), 'right', weight) +
      td(median ? phoneLabel('Délai médian (jours)') + median : '', 'right', weight) +
      '</tr>\n'
    );
  });
  return dataTable(
    th('Catégorie', 'left') + th('Nombre') + th(`Évolution vs ${unit.previousMonthName}`) + th('Délai médian (jours)'),
    rows,
    true,
  );
}

function noPreviousNote(unit: UnitFigures): string {
  if (unit.hasPrevious) return '';
  return (
    `<p style="${FONT}font-size:12px;${MUTED}margin:8px 0 0;">` +
    `Pas de rapport pour ${escapeHtml(unit.previousMonthName)} : évolution non disponible.</p>`
  );
}

function nationalitiesHtml(nationalities: Array<[string, number]>, accepted: number): string {
  if (accepted === 0) return paragraph('Aucune APT acceptée ce mois-ci.', MUTED);
  const shown = nationalities.slice(0, MAIL_NATIONALITIES);
  return (
    `<p style="${FONT}font-size:14px;margin:0 0 4px;font-weight:bold;">` +
    `Top ${shown.length} des nationalités</p>` +
    `<p style="${FONT}font-size:12px;margin:0 0 6px;${MUTED}">` +
    `Sur ${escapeHtml(accepted)} ${escapeHtml(ACCEPTED_LABEL)} (${escapeHtml(NATIONALITIES_SCOPE)}).</p>` +
    `<ol style="${FONT}font-size:14px;margin:0;padding-left:24px;">` +
    shown.map(([country, count]) => `<li>${escapeHtml(country)} : ${escapeHtml(count)}</li>`).join('') +
    '</ol>'
  );
}

function chartHtml(label: string): string {
  const alt = `Dossiers décidés par mois, ${TREND_MONTHS} derniers mois : ${label}`;
  return (
    `<p style="${FONT}font-size:14px;margin:0 0 6px;font-weight:bold;">${TREND_MONTHS} derniers mois</p>` +
    inlineImage(CHART_CID, alt, IMAGE_WIDTH, IMAGE_HEIGHT)
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// The national summary: every unit as one row, the 12-month trend; the workbooks are attached.

export function buildNationalReportMail(national: NationalFigures): ReportMailContent {
  const subject = `Work In France : rapport mensuel national – ${national.period} (${national.units.length} unités)`;
  const intro =
    `Voici la synthèse nationale de ${national.period}. Le classeur national et les ` +
    `${national.units.length} classeurs des unités sont joints.`;
  const previous =
    national.previousTotal === null
      ? ''
      : ` (${national.previousMonthName} : ${national.previousTotal}, ` +
        `${signedDifference(national.total, national.previousTotal)})`;
  const summary =
    `${national.total} dossiers décidés${previous} : ${national.accepted} APT acceptées, ` +
    `${national.counts.refused} refusées, ${national.counts.withoutContinuation} sans suite.`;
  return {
    subject,
    text: nationalText(national, intro, summary),
    html: mailDocument(subject, [
      section(heading(`Synthèse nationale – ${national.period}`, 1) + paragraph('Bonjour,') + paragraph(intro)),
      section(paragraph(summary, 'font-weight:bold;')),
      section(chartHtml('national')),
      section(heading('Par unité') + unitsTable(national)),
      section(heading(`${TREND_MONTHS} derniers mois`) + trendTable(national)),
      section(nationalitiesHtml(national.nationalities, national.accepted)),
      section(paragraph(SIGNATURE)),
    ]),
  };
}

function nationalText(national: NationalFigures, intro: string, summary: string): string {
  const units = national.units.map(
    (u) =>
      `${u.label} : ${u.accepted} acceptées, ${u.counts.refused} refusées, ` +
      `${u.counts.withoutContinuation} sans suite (total ${u.total})`,
  );
  const trend = national.trend.map((p) =>
    p.counts === null
      ? `${p.label} : pas de rapport`
      : `${p.label} : ${p.counts.more3Months + p.counts.less3Months + p.counts.unknownDuration} acceptées, ` +
        `${p.counts.refused} refusées, ${p.counts.withoutContinuation} sans suite`,
  );
  return (
    [
      'Bonjour,',
      intro,
      summary,
      ['Par unité', ...units].join('\n'),
      [`${TREND_MONTHS} derniers mois`, ...trend].join('\n'),
      SIGNATURE,
    ].join('\n\n') + '\n'
  );
}

// Short cells: 40 units make 40 rows, and the whole mail must stay far below the ~100 KB at which webmails clip.
const NUM = `${CELL}text-align:right;`;

function countRow(label: string, values: number[], bold = false): string {
  const weight = bold ? 'font-weight:bold;' : '';
  return (
    `<tr><td style="${CELL}${weight}">${escapeHtml(label)}</td>` +
    values.map((v) => `<td style="${NUM}${weight}">${escapeHtml(v)}</td>`).join('') +
    '</tr>\n'
  );
}

const COUNT_HEADS =
  th('Acceptées') + th(CATEGORY_HEADERS.refused) + th(CATEGORY_HEADERS.withoutContinuation) + th('Total');

function unitsTable(national: NationalFigures): string {
  const rows = national.units.map((u) =>
    countRow(u.label, [u.accepted, u.counts.refused, u.counts.withoutContinuation, u.total]),
  );
  rows.push(
    countRow(
      'Total',
      [national.accepted, national.counts.refused, national.counts.withoutContinuation, national.total],
      true,
    ),
  );
  return dataTable(th('Unité', 'left') + COUNT_HEADS, rows, false);
}

function trendTable(national: NationalFigures): string {
  const rows = national.trend.map((p) => {
    if (p.counts === null) {
      return `<tr><td style="${CELL}">${escapeHtml(p.label)}</td><td colspan="4" style="${NUM}${MUTED}">pas de rapport</td></tr>\n`;
    }
    const accepted = p.counts.more3Months + p.counts.less3Months + p.counts.unknownDuration;
    const total = accepted + p.counts.refused + p.counts.withoutContinuation;
    return countRow(p.label, [accepted, p.counts.refused, p.counts.withoutContinuation, total]);
  });
  return dataTable(th('Mois', 'left') + COUNT_HEADS, rows, false);
}
