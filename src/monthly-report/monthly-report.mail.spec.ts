import { readFileSync } from 'fs';
import { join } from 'path';
import { buildMonthlyReportMail } from './monthly-report.mail';
import { MonthlyReport } from './monthly-report.types';

const FIXTURES = join(__dirname, '../../test/fixtures/monthly-report');
const loadReport = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as MonthlyReport;
const paris = () => loadReport('paris-2020-09.json');
const parisIntroduction = () => loadReport('paris-introduction-2020-09.json');

const PARIS_BLOCK = [
  '75 - Paris',
  'APT + 3 mois : 46 (août : 41, +5), délai médian 21 j',
  'APT - 3 mois : 12 (août : 12, =), délai médian 14,5 j',
  'APT durée non renseignée : 2 (août : 0, +2)',
  'APT refusées : 3 (août : 5, -2), délai médian 40 j',
  'APT sans suite : 2 (août : 1, +1)',
  'Total : 65 (août : 59, +6)',
  'Nationalités les plus fréquentes (APT acceptées) : CHINE 13, INDE 9, MAROC 7',
].join('\n');

describe('buildMonthlyReportMail, one unit', () => {
  const mail = buildMonthlyReportMail({ reports: [paris()] });

  it('names the unit and the month in French in the subject', () => {
    expect(mail.subject).toBe('Work In France : rapport mensuel 75 - Paris – septembre 2020');
  });

  it('writes the text body with no leading spaces (B24)', () => {
    expect(mail.text).toBe(
      [
        'Bonjour,',
        'Veuillez trouver le rapport mensuel de Work In France en pièce jointe.',
        PARIS_BLOCK,
        "L'équipe Work In France\n",
      ].join('\n\n'),
    );
    expect(mail.text.split('\n').filter((line) => /^\s/.test(line))).toEqual([]);
  });

  it('attaches the unit workbook under its file name', () => {
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0].filename).toBe('WIF_2020-09_ud75.xlsx');
    expect(mail.attachments[0].report.group).toEqual({ id: '75', label: '75 - Paris', type: 'autorisation' });
  });

  it('renders the figures, the change with arrows and the top 3 nationalities in HTML', () => {
    const { html } = mail;
    expect(html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(html).toContain('<title>Work In France : rapport mensuel 75 - Paris – septembre 2020</title>');
    expect(html).toContain('>75 - Paris</h2>');
    expect(html).toContain('>Évolution vs août</th>');
    expect(html).toContain('>46</td>');
    expect(html).toContain('&#9650;&nbsp;+5 <span style="color:#666666;">(août&nbsp;: 41)</span>');
    expect(html).toContain('= <span style="color:#666666;">(août&nbsp;: 12)</span>');
    expect(html).toContain('&#9660;&nbsp;-2 <span style="color:#666666;">(août&nbsp;: 5)</span>');
    expect(html).toContain('>14,5</td>');
    expect(html).toContain('>APT durée non renseignée</td>');
    expect(html).toContain('>65</td>');
    expect(html).toContain('<li>CHINE : 13</li><li>INDE : 9</li><li>MAROC : 7</li></ol>');
    expect(html).not.toContain('VIETNAM');
    expect(html).toContain('L&#39;équipe Work In France');
    expect(html).not.toContain('Pas de rapport pour');
  });

  it('keeps the HTML self-contained: inline styles only, nothing fetched or run', () => {
    expect(mail.html).not.toMatch(/<(script|style|link|img|iframe)\b/i);
    expect(mail.html).not.toMatch(/\b(src|href|class)=/i);
  });
});

describe('buildMonthlyReportMail, several units', () => {
  // Given introduction first: the mail orders units by id, then autorisation before introduction.
  const mail = buildMonthlyReportMail({ reports: [parisIntroduction(), paris()] });

  it('counts the units in the subject and uses the plural', () => {
    expect(mail.subject).toBe('Work In France : rapports mensuels – septembre 2020 (2 unités)');
    expect(mail.text).toBe(
      [
        'Bonjour,',
        'Veuillez trouver les rapports mensuels de Work In France en pièces jointes.',
        PARIS_BLOCK,
        [
          '75 - Paris (introduction)',
          'APT + 3 mois : 3, délai médian 9 j',
          'APT - 3 mois : 0',
          'APT refusées : 0',
          'APT sans suite : 0',
          'Total : 3',
          'Nationalités les plus fréquentes (APT acceptées) : INDE 2, CHINE 1',
        ].join('\n'),
        "L'équipe Work In France\n",
      ].join('\n\n'),
    );
  });

  it('attaches one workbook per unit without name collisions (B6)', () => {
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      'WIF_2020-09_ud75.xlsx',
      'WIF_2020-09_ud75-introduction.xlsx',
    ]);
    expect(mail.attachments.map((a) => a.report.group.type)).toEqual(['autorisation', 'introduction']);
  });

  it('has one HTML section per unit and says when last month is missing', () => {
    expect(mail.html.match(/<h2 /g)).toHaveLength(2);
    expect(mail.html.indexOf('>75 - Paris</h2>')).toBeLessThan(mail.html.indexOf('>75 - Paris (introduction)</h2>'));
    expect(mail.html).toContain('Pas de rapport pour août : évolution non disponible.');
    expect(mail.html).toContain('<li>INDE : 2</li><li>CHINE : 1</li></ol>');
  });
});

describe('buildMonthlyReportMail, hostile data', () => {
  const report = paris();
  report.group = { id: '99', label: '<script>alert("x")</script>\r\nBcc: a@b.c', type: 'autorisation' };
  report.categories.more3Months.countries = { '<img src=x onerror=alert(1)>': 50, "CÔTE D'IVOIRE & CO": 40 };
  const mail = buildMonthlyReportMail({ reports: [report] });

  it('escapes every value coming from data in the HTML', () => {
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.html).not.toMatch(/<img/i);
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('<li>&lt;img src=x onerror=alert(1)&gt; : 50</li>');
    expect(mail.html).toContain('<li>CÔTE D&#39;IVOIRE &amp; CO : 40</li>');
  });

  it('keeps the subject on one line', () => {
    expect(mail.subject).toBe(
      'Work In France : rapport mensuel <script>alert("x")</script> Bcc: a@b.c – septembre 2020',
    );
  });
});

describe('buildMonthlyReportMail, edges', () => {
  it('compares January with December of the previous year', () => {
    const january = { ...paris(), year: 2021, month: 1 };
    const mail = buildMonthlyReportMail({ reports: [january] });
    expect(mail.subject).toBe('Work In France : rapport mensuel 75 - Paris – janvier 2021');
    expect(mail.text).toContain('APT + 3 mois : 46 (décembre : 41, +5), délai médian 21 j');
    expect(mail.attachments[0].filename).toBe('WIF_2021-01_ud75.xlsx');
  });

  it('refuses no report and reports of different months', () => {
    expect(() => buildMonthlyReportMail({ reports: [] })).toThrow(/at least one/);
    expect(() => buildMonthlyReportMail({ reports: [paris(), { ...parisIntroduction(), month: 8 }] })).toThrow(
      /single month/,
    );
  });
});
