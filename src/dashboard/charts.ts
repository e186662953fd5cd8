/**
 * Charts drawn on the server as SVG: no script runs in the page (the Content-Security-Policy forbids inline
 * script), they print, and every chart is followed by its data table for screen readers and for copying figures.
 */

export interface Series {
  label: string;
  /** A fill colour with enough contrast against white (the DSFR illustrative palette). */
  color: string;
  values: Array<number | null>;
}

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 44, left: 48 };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A round upper bound for the axis (1, 2 or 5 times a power of ten), never 0. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function frame(title: string, id: string, body: string, max: number, labels: string[], series: Series[]): string {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = MARGIN.top + plotHeight * (1 - f);
    const value = Math.round(max * f * 10) / 10;
    return (
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/>` +
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#3a3a3a">${value}</text>`
    );
  });
  const step = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(labels.length, 1);
  // One label in three keeps 24 months readable; the table has them all.
  const xLabels = labels
    .map((label, i) =>
      i % 3 === labels.length % 3 || i === labels.length - 1
        ? `<text x="${MARGIN.left + step * (i + 0.5)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11" fill="#3a3a3a">${escapeXml(label)}</text>`
        : '',
    )
    .join('');
  // Each legend entry as wide as its label (about 6.5 px a character at this size).
  let legendX = MARGIN.left;
  const legend = series
    .map((s) => {
      const x = legendX;
      legendX += 30 + s.label.length * 6.5;
      return (
        `<rect x="${x}" y="${HEIGHT - 16}" width="10" height="10" fill="${s.color}"/>` +
        `<text x="${x + 14}" y="${HEIGHT - 7}" font-size="11" fill="#161616">${escapeXml(s.label)}</text>`
      );
    })
    .join('');
  return (
    `<svg class="wif-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escapeXml(title)}</title>${ticks.join('')}${body}${xLabels}${legend}</svg>`
  );
}

/** Stacked bars, one per label (month). */
export function stackedBarChart(title: string, id: string, labels: string[], series: Series[]): string {
  const totals = labels.map((_, i) => series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(labels.length, 1);
  const bars: string[] = [];
  labels.forEach((_, i) => {
    let base = 0;
    for (const s of series) {
      const value = s.values[i] ?? 0;
      if (value <= 0) continue;
      const h = (value / max) * plotHeight;
      const y = MARGIN.top + plotHeight - ((base + value) / max) * plotHeight;
      bars.push(
        `<rect x="${(MARGIN.left + step * i + step * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"/>`,
      );
      base += value;
    }
  });
  return frame(title, id, bars.join(''), max, labels, series);
}

/** Lines with a dot per known value; a missing value breaks the line. */
export function lineChart(title: string, id: string, labels: string[], series: Series[]): string {
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceMax(Math.max(0, ...values));
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(labels.length, 1);
  const paths = series.map((s) => {
    let d = '';
    let dots = '';
    s.values.forEach((v, i) => {
      if (v === null) {
        d += ' ';
        return;
      }
      const x = (MARGIN.left + step * (i + 0.5)).toFixed(1);
      const y = (MARGIN.top + plotHeight - (v / max) * plotHeight).toFixed(1);
      d += `${d === '' || d.endsWith(' ') ? 'M' : 'L'}${x},${y}`;
      dots += `<circle cx="${x}" cy="${y}" r="3" fill="${s.color}"/>`;
    });
    return `<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2"/>${dots}`;
  });
  return frame(title, id, paths.join(''), max, labels, series);
}
