import type { Resvg as ResvgClass } from '@resvg/resvg-js';
import { ACCEPTED_KEYS, sumCounts, TrendPoint } from './monthly-report.view';

/**
 * The 12-month chart: stacked bars (accepted, refused, sans suite) per month, drawn as SVG here and rendered to PNG
 * on the server, because mail clients and spreadsheets show a PNG everywhere and an SVG almost nowhere.
 */

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 300;

const SERIES = [
  {
    label: 'Acceptées',
    color: '#000091',
    value: (p: TrendPoint) => (p.counts ? sumCounts(p.counts, ACCEPTED_KEYS) : 0),
  },
  { label: 'Refusées', color: '#e1000f', value: (p: TrendPoint) => p.counts?.refused ?? 0 },
  { label: 'Sans suite', color: '#929292', value: (p: TrendPoint) => p.counts?.withoutContinuation ?? 0 },
] as const;

// Fonts found on Debian and in most container images; resvg picks the first it finds among the system fonts.
const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);

/** A round step (1, 2, 5 × 10^n) giving about five gridlines, and the first multiple of it at or above `max`. */
function axis(max: number): { top: number; step: number } {
  if (max <= 5) return { top: 5, step: 1 };
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

export function trendChartSvg(points: TrendPoint[], title: string): string {
  const left = 44;
  const right = 12;
  const top = 40;
  const bottom = 56;
  const plotWidth = CHART_WIDTH - left - right;
  const plotHeight = CHART_HEIGHT - top - bottom;
  const totals = points.map((p) => SERIES.reduce((sum, s) => sum + s.value(p), 0));
  const { top: axisTop, step } = axis(Math.max(0, ...totals));
  const y = (value: number) => top + plotHeight - (value / axisTop) * plotHeight;
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.max(4, slot * 0.6);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" ` +
      `viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${FONT_FAMILY}">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold" fill="#1e1e1e">${xml(title)}</text>`,
  ];
  for (let value = 0; value <= axisTop; value += step) {
    const gy = y(value).toFixed(1);
    parts.push(
      `<line x1="${left}" x2="${CHART_WIDTH - right}" y1="${gy}" y2="${gy}" stroke="#dddddd" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555555">` +
        `${value}</text>`,
    );
  }
  points.forEach((point, index) => {
    const x = left + slot * index + (slot - barWidth) / 2;
    let base = 0;
    for (const series of SERIES) {
      const value = series.value(point);
      if (value > 0) {
        const y1 = y(base + value);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" ` +
            `height="${(y(base) - y1).toFixed(1)}" fill="${series.color}"/>`,
        );
      }
      base += value;
    }
    const cx = (left + slot * index + slot / 2).toFixed(1);
    parts.push(
      `<text x="${cx}" y="${top + plotHeight + 16}" font-size="10" text-anchor="middle" fill="#555555">` +
        `${xml(point.label)}</text>`,
    );
    if (point.counts === null) {
      // A month without a report is not a month with no dossier: say so under the axis.
      parts.push(
        `<text x="${cx}" y="${(y(0) - 4).toFixed(1)}" font-size="10" text-anchor="middle" fill="#929292">–</text>`,
      );
    }
  });
  let legendX = left;
  for (const series of SERIES) {
    const ly = CHART_HEIGHT - 14;
    parts.push(
      `<rect x="${legendX}" y="${ly - 10}" width="12" height="12" fill="${series.color}"/>`,
      `<text x="${legendX + 18}" y="${ly}" font-size="12" fill="#1e1e1e">${xml(series.label)}</text>`,
    );
    legendX += 130;
  }
  parts.push('</svg>');
  return parts.join('');
}

let Resvg: typeof ResvgClass | null = null;

/** PNG of an SVG, rendered at twice the size so it stays sharp on phones and in print. */
export function svgToPng(svg: string): Buffer {
  // Loaded on first use: the native module is only needed when a chart is drawn.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Resvg ??= (require('@resvg/resvg-js') as typeof import('@resvg/resvg-js')).Resvg;
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: CHART_WIDTH * 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return rendered.asPng();
}

export function trendChartPng(points: TrendPoint[], title: string): Buffer {
  return svgToPng(trendChartSvg(points, title));
}
