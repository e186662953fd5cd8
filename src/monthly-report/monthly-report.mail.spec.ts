import { readFileSync } from 'fs';
import { join } from 'path';
import { buildNationalReportMail, buildUnitReportMail, CHART_CID } from './monthly-report.mail';
import { syntheticUnit } from '../../test/helpers/monthly-reports';
import { MonthlyReport } from './monthly-report.types';
import { nationalFigures, trendMonths, trendPoints, unitFigures } from './monthly-report.view';

const FIXTURES = join(__dirname, '../../test/fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const paris = () => loadReport('paris-2020-09.json');
const parisIntroduction = () => loadReport('paris-introduction-2020-09.json');
const SEPTEMBER = { year: 2020, month: 9 };
const KB = 1024;

const TREND = trendPoints(trendMonths(SEPTEMBER), (m) =>
  m.year === 2019 && m.month === 10
    ? null
    : { more3Months: 400, less3Months: 120, unknownDuration: 3, refused: 40, withoutContinuation: 12 },
);

describe('unit mail, Paris September 2020', () => {
  const mail = buildUnitReportMail(unitFigures(paris()));

  it('names the unit and the month in French in the subject', () => {
    expect(mail.subject).toBe('Work In France : rapport mensuel 75 - Paris – septembre 2020');
  });

  it('writes the text part with the figures, the ranking and what the ranking counts', () => {
    expect(mail.text).toContain(
      [
        '75 - Paris',
        'APT + 3 mois : 46 (août : 41, +5), délai médian 21 j',
        'APT - 3 mois : 12 (août : 12, =), délai médian 14,5 j',
        'APT durée non renseignée : 2 (août : 0, +2)',
        'APT refusées : 3 (août : 5, -2), délai médian 40 j',
        'APT sans suite : 2 (août : 1, +1)',
        'Total : 65 (août : 59, +6)',
      ].join('\n'),
    );
    // The same figures as the workbook's ranking: every accepted dossier, known duration or not.
    expect(mail.text).toContain(
      'Nationalités les plus fréquentes (toutes les APT acceptées, durée connue ou non) : ' +
        'CHINE 13, INDE 9, MAROC 7, VIETNAM 6, ALGERIE 4',
    );
    expect(mail.text.split('\n').filter((line) => /^\s/.test(line))).toEqual([]);
  });

  it('renders figures, changes with arrows, the ranking and the inline chart in HTML', () => {
    const { html } = mail;
    expect(html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(html).toContain('>Évolution vs août</th>');
    expect(html).toContain('&#9650;&nbsp;+5 <span style="color:#666666;">(août&nbsp;: 41)</span>');
    expect(html).toContain('&#9660;&nbsp;-2 <span style="color:#666666;">(août&nbsp;: 5)</span>');
    expect(html).toContain('<li>CHINE : 13</li><li>INDE : 9</li><li>MAROC : 7</li><li>VIETNAM : 6</li>');
    expect(html).toContain('Sur 60 APT acceptées (toutes les APT acceptées, durée connue ou non).');
    expect(html).toContain(`src="cid:${CHART_CID}"`);
    expect(html).not.toMatch(/<(script|link|iframe)\b/i);
    expect(Buffer.byteLength(html)).toBeLessThan(20 * KB);
  });

  it('says when last month is missing', () => {
    const introduction = buildUnitReportMail(unitFigures(parisIntroduction()));
    expect(introduction.html).toContain('Pas de rapport pour août : évolution non disponible.');
    expect(introduction.text).toContain('Pas de rapport pour août : évolution non disponible.');
  });

  it('compares January with December of the previous year', () => {
    const january = buildUnitReportMail(unitFigures({ ...paris(), year: 2021, month: 1 }));
    expect(january.subject).toBe('Work In France : rapport mensuel 75 - Paris – janvier 2021');
    expect(january.text).toContain('APT + 3 mois : 46 (décembre : 41, +5), délai médian 21 j');
  });
});

describe('unit mail, hostile data', () => {
  const report = paris();
  report.group = { id: '99', label: '<script>alert("x")</script>\r\nBcc: a@b.c', type: 'autorisation' };
  report.categories.more3Months.countries = JSON.parse(
    '{"<img src=x onerror=alert(1)>": 50, "CÔTE D\'IVOIRE & CO": 40, "constructor": 30, "__proto__": 20}',
  ) as Record<string, number>;
  report.categories.less3Months.countries = JSON.parse('{"constructor": 1}') as Record<string, number>;
  report.categories.unknownDuration.countries = {};
  const mail = buildUnitReportMail(unitFigures(report));

  it('escapes every value coming from data in the HTML', () => {
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('<li>&lt;img src=x onerror=alert(1)&gt; : 50</li>');
    expect(mail.html).toContain('<li>CÔTE D&#39;IVOIRE &amp; CO : 40</li>');
  });

  it('counts nationalities named constructor and __proto__ like any other', () => {
    expect(mail.html).toContain('<li>constructor : 31</li><li>__proto__ : 20</li>');
    expect(mail.text).toContain('constructor 31, __proto__ 20');
    expect(mail.text).not.toContain('function');
  });

  it('keeps the subject on one line', () => {
    expect(mail.subject).toBe(
      'Work In France : rapport mensuel <script>alert("x")</script> Bcc: a@b.c – septembre 2020',
    );
  });
});

describe('national mail', () => {
  const reports = Array.from({ length: 40 }, (_, i) => syntheticUnit(i));
  const mail = buildNationalReportMail(nationalFigures(SEPTEMBER, reports, TREND));

  it('has one row per unit, the totals and the twelve months', () => {
    expect(mail.subject).toBe('Work In France : rapport mensuel national – septembre 2020 (40 unités)');
    expect(mail.html.match(/Unité départementale de test<\/td>/g)).toHaveLength(40);
    const accepted = reports.reduce((n, r) => n + r.categories.more3Months.count + 11, 0);
    expect(mail.text).toContain(`${accepted + 40 * 5} dossiers décidés`);
    expect(mail.text).toContain('oct. 19 : pas de rapport');
    expect(mail.text).toContain('sept. 20 : 523 acceptées, 40 refusées, 12 sans suite');
    expect(mail.html).toContain(`src="cid:${CHART_CID}"`);
  });

  it('stays far below the ~100 KB at which webmails clip a message', () => {
    expect(Buffer.byteLength(mail.html)).toBeLessThan(100 * KB);
    expect(Buffer.byteLength(mail.text)).toBeLessThan(20 * KB);
  });
});
