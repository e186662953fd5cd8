import { escapeHtml } from '../common/html';
import { shiftMonth } from '../common/paris-time';
import { frenchMonthName, frenchMonthYear } from './french-months';
import { CategoryKey, MonthlyReport } from './monthly-report.types';
import {
  ACCEPTED_KEYS,
  CATEGORY_LABELS,
  compareGroups,
  groupDisplayLabel,
  mergeCountries,
  monthlyReportFileName,
  NOT_AVAILABLE,
  reportCounts,
  roundDays,
  signedDifference,
  sumCounts,
  topCountries,
  visibleCategories,
} from './monthly-report.workbook';

export interface MonthlyReportMailInput {
  /** One recipient's reports, all of the same month. */
  reports: MonthlyReport[];
}

export interface MonthlyReportMail {
  subject: string;
  text: string;
  html: string;
  /** One workbook per report, to be rendered by the caller (the mail stays free of I/O). */
  attachments: Array<{ filename: string; report: MonthlyReport }>;
}

const TOP_NATIONALITIES = 3;
const SIGNATURE = "L'équipe Work In France";

export function buildMonthlyReportMail({ reports }: MonthlyReportMailInput): MonthlyReportMail {
  if (reports.length === 0) throw new Error('A monthly report mail needs at least one report');
  const { year, month } = reports[0];
  const strays = reports.filter((r) => r.year !== year || r.month !== month);
  if (strays.length > 0) throw new Error('A monthly report mail covers a single month');

  const sorted = [...reports].sort((a, b) => compareGroups(a.group, b.group));
  const views = sorted.map(toView);
  const period = frenchMonthYear(year, month);
  const previousMonth = frenchMonthName(shiftMonth({ year, month }, -1).month);
  const several = sorted.length > 1;

  const subject = several
    ? `Work In France : rapports mensuels – ${period} (${sorted.length} unités)`
    : // A label is data and a subject is a header line: a stray line break must not start a new header.
      `Work In France : rapport mensuel ${views[0].label.replace(/[\r\n]+/g, ' ')} – ${period}`;
  const intro = several
    ? 'Veuillez trouver les rapports mensuels de Work In France en pièces jointes.'
    : 'Veuillez trouver le rapport mensuel de Work In France en pièce jointe.';

  return {
    subject,
    text: renderText(intro, views, previousMonth),
    html: renderHtml(subject, intro, period, views, previousMonth),
    attachments: sorted.map((report) => ({ filename: monthlyReportFileName(report), report })),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// One view per unit, computed once, rendered twice.

interface FigureLine {
  label: string;
  count: number;
  previous: number | null;
  /** Null for the total and when no dossier of the category had both dates. */
  medianDays: number | null;
}

interface UnitView {
  label: string;
  lines: FigureLine[];
  total: FigureLine;
  nationalities: Array<[string, number]>;
  hasPrevious: boolean;
}

function toView(report: MonthlyReport): UnitView {
  const previous = report.previousCounts;
  const line = (key: CategoryKey): FigureLine => ({
    label: CATEGORY_LABELS[key],
    count: report.categories[key].count,
    previous: previous ? previous[key] : null,
    medianDays: roundDays(report.categories[key].processingDays.median),
  });
  return {
    label: groupDisplayLabel(report.group),
    lines: visibleCategories(report).map(line),
    total: {
      label: 'Total',
      count: sumCounts(reportCounts(report)),
      previous: previous ? sumCounts(previous) : null,
      medianDays: null,
    },
    nationalities: topCountries(
      mergeCountries(ACCEPTED_KEYS.map((key) => report.categories[key].countries)),
      TOP_NATIONALITIES,
    ),
    hasPrevious: previous !== null,
  };
}

function formatDays(days: number): string {
  // French decimal comma, as in the workbook opened with a French locale.
  return String(days).replace('.', ',');
}

// ---------------------------------------------------------------------------------------------------------------------
// Plain text: label/value lines rather than padded columns, which fall apart in proportional fonts. No line starts
// with a space (B24).

function textLine(line: FigureLine, previousMonth: string): string {
  let text = `${line.label} : ${line.count}`;
  if (line.previous !== null) {
    text += ` (${previousMonth} : ${line.previous}, ${signedDifference(line.count, line.previous)})`;
  }
  if (line.medianDays !== null) text += `, délai médian ${formatDays(line.medianDays)} j`;
  return text;
}

function renderText(intro: string, views: UnitView[], previousMonth: string): string {
  const blocks = views.map((view) => {
    const lines = [
      view.label,
      ...view.lines.map((l) => textLine(l, previousMonth)),
      textLine(view.total, previousMonth),
    ];
    if (view.nationalities.length > 0) {
      const list = view.nationalities.map(([country, count]) => `${country} ${count}`).join(', ');
      lines.push(`Nationalités les plus fréquentes (APT acceptées) : ${list}`);
    }
    return lines.join('\n');
  });
  return ['Bonjour,', intro, ...blocks, SIGNATURE].join('\n\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------------
// HTML: nested tables and inline styles only, the one dialect every mail client renders. Every value that comes from
// data goes through `escapeHtml`, numbers included, so the rule never needs thinking about.

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
// Repeated on every cell: Outlook does not inherit fonts from an enclosing table.
const CELL = `${FONT}padding:6px 8px;border-bottom:1px solid #e5e5e5;font-size:14px;color:#1e1e1e;`;
const HEAD = `${CELL}background-color:#f0f0f5;font-weight:bold;`;
const MUTED = 'color:#666666;';

/** Arrow and signed difference; direction, not judgement, so no green/red. */
function evolutionHtml(line: FigureLine, previousMonth: string): string {
  if (line.previous === null) return NOT_AVAILABLE;
  const diff = line.count - line.previous;
  const arrow = diff > 0 ? '&#9650;&nbsp;' : diff < 0 ? '&#9660;&nbsp;' : '';
  const sign = escapeHtml(signedDifference(line.count, line.previous));
  const was = `${escapeHtml(previousMonth)}&nbsp;: ${escapeHtml(String(line.previous))}`;
  return `${arrow}${sign} <span style="${MUTED}">(${was})</span>`;
}

function figureRowHtml(line: FigureLine, previousMonth: string, bold: boolean): string {
  const weight = bold ? 'font-weight:bold;' : '';
  const median = line.medianDays === null ? NOT_AVAILABLE : escapeHtml(formatDays(line.medianDays));
  return (
    '<tr>' +
    `<td style="${CELL}${weight}">${escapeHtml(line.label)}</td>` +
    `<td align="right" style="${CELL}${weight}">${escapeHtml(String(line.count))}</td>` +
    `<td align="right" style="${CELL}${weight}white-space:nowrap;">${evolutionHtml(line, previousMonth)}</td>` +
    `<td align="right" style="${CELL}${weight}">${bold ? '' : median}</td>` +
    '</tr>\n'
  );
}

function unitHtml(view: UnitView, previousMonth: string): string {
  const rows = [
    ...view.lines.map((line) => figureRowHtml(line, previousMonth, false)),
    figureRowHtml(view.total, previousMonth, true),
  ].join('');
  const nationalities =
    view.nationalities.length === 0
      ? `<p style="${FONT}font-size:14px;${MUTED}margin:12px 0 0;">Aucune APT acceptée ce mois-ci.</p>`
      : `<p style="${FONT}font-size:14px;margin:12px 0 4px;font-weight:bold;">` +
        'Nationalités les plus fréquentes (APT acceptées)</p>' +
        `<ol style="${FONT}font-size:14px;margin:0;padding-left:24px;">` +
        view.nationalities
          .map(([country, count]) => `<li>${escapeHtml(country)} : ${escapeHtml(String(count))}</li>`)
          .join('') +
        '</ol>';
  const noPrevious = view.hasPrevious
    ? ''
    : `<p style="${FONT}font-size:12px;${MUTED}margin:8px 0 0;">` +
      `Pas de rapport pour ${escapeHtml(previousMonth)} : évolution non disponible.</p>`;
  return (
    '<tr><td style="padding:0 24px 24px;">' +
    `<h2 style="${FONT}font-size:18px;color:#000091;margin:0 0 8px;">${escapeHtml(view.label)}</h2>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${FONT}border-collapse:collapse;">` +
    '<tr>' +
    `<th align="left" style="${HEAD}">Catégorie</th>` +
    `<th align="right" style="${HEAD}">Nombre</th>` +
    `<th align="right" style="${HEAD}">Évolution vs ${escapeHtml(previousMonth)}</th>` +
    `<th align="right" style="${HEAD}">Délai médian (jours)</th>` +
    '</tr>' +
    rows +
    '</table>' +
    noPrevious +
    nationalities +
    '</td></tr>\n'
  );
}

function renderHtml(subject: string, intro: string, period: string, views: UnitView[], previousMonth: string): string {
  const paragraph = (text: string) =>
    `<p style="${FONT}font-size:15px;line-height:22px;color:#1e1e1e;margin:0 0 12px;">${escapeHtml(text)}</p>`;
  return (
    '<!DOCTYPE html>' +
    '<html lang="fr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(subject)}</title></head>` +
    '<body style="margin:0;padding:0;background-color:#f4f5f7;">' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">' +
    '<tr><td align="center" style="padding:24px 12px;">' +
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" ' +
    'style="width:100%;max-width:600px;background-color:#ffffff;">' +
    '<tr><td style="padding:24px 24px 8px;">' +
    `<h1 style="${FONT}font-size:22px;color:#000091;margin:0 0 16px;">` +
    `Work In France – rapport mensuel de ${escapeHtml(period)}</h1>` +
    paragraph('Bonjour,') +
    paragraph(intro) +
    '</td></tr>' +
    views.map((view) => unitHtml(view, previousMonth)).join('') +
    `<tr><td style="padding:0 24px 24px;">${paragraph(SIGNATURE)}</td></tr>` +
    '</table>' +
    '</td></tr></table>' +
    '</body></html>'
  );
}
