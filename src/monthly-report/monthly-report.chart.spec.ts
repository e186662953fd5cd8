import { CHART_WIDTH, trendChartPng, trendChartSvg } from './monthly-report.chart';
import { trendMonths, trendPoints } from './monthly-report.view';

const points = trendPoints(trendMonths({ year: 2020, month: 9 }), (m) =>
  m.month === 2
    ? null
    : { more3Months: 20 + m.month, less3Months: 5, unknownDuration: 1, refused: 3, withoutContinuation: 2 },
);

/** Width and height from the PNG header (IHDR). */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('trend chart', () => {
  it('draws twelve months, oldest first, with escaped labels', () => {
    const svg = trendChartSvg(points, 'Côte <d’Or> & "co"');
    expect(points.map((p) => p.label)).toEqual([
      'oct. 19',
      'nov. 19',
      'déc. 19',
      'janv. 20',
      'févr. 20',
      'mars 20',
      'avr. 20',
      'mai 20',
      'juin 20',
      'juil. 20',
      'août 20',
      'sept. 20',
    ]);
    expect(svg).toContain('Côte &lt;d’Or&gt; &amp; &quot;co&quot;');
    expect(svg).not.toContain('<d’Or>');
    // Eleven months with reports, three series each, and the three legend keys.
    expect(
      svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#(000091|e1000f|929292)"\/>/g),
    ).toHaveLength(11 * 3 + 3);
  });

  it('renders a PNG twice the chart width', () => {
    const png = trendChartPng(points, 'Paris');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngSize(png).width).toBe(CHART_WIDTH * 2);
  });

  it('draws an empty year without failing', () => {
    const empty = trendPoints(trendMonths({ year: 2020, month: 9 }), () => null);
    expect(pngSize(trendChartPng(empty, 'Vide')).width).toBe(CHART_WIDTH * 2);
  });
});
