import { lineChart, niceMax, stackedBarChart } from './charts';
import {
  PageError,
  parseAlertStatus,
  parseAlertType,
  parseDossierNumber,
  parseJobForm,
  parsePage,
  parseReportMonth,
  parseUnitParam,
} from './dashboard-input';

const rejects = (fn: () => unknown, message: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PageError);
  expect((caught as PageError).status).toBe(400);
  expect((caught as PageError).message).toMatch(message);
};

describe('dashboard input', () => {
  it('accepts the forms staff use and answers everything else in French', () => {
    expect(parseUnitParam({ unite: '75-introduction' })).toBe('75-introduction');
    expect(parseUnitParam({ unite: 'national' })).toBe('national');
    expect(parseUnitParam({})).toBeUndefined();
    rejects(() => parseUnitParam({ unite: '<script>' }), /L’unité doit être/);
    rejects(() => parseUnitParam({ unite: ['75', '13'] }), /ne doit figurer qu’une fois/);
    expect(parseAlertType({ type: 'closedWithSupOneYear' })).toBe('closedWithSupOneYear');
    rejects(() => parseAlertType({ type: 'toString' }), /Type d’alerte inconnu/);
    expect(parseAlertStatus({ etat: 'ouvertes' })).toBe('open');
    expect(parseAlertStatus({ etat: 'toutes' })).toBeUndefined();
    rejects(() => parseAlertStatus({ etat: 'open' }), /L’état doit valoir/);
    expect(parsePage({ page: '3' })).toBe(3);
    rejects(() => parsePage({ page: '0' }), /entre 1 et 999999/);
    rejects(() => parsePage({ page: '1e3' }), /entre 1 et 999999/);
    expect(parseReportMonth('2024', '09')).toEqual({ year: 2024, month: 9 });
    rejects(() => parseReportMonth('2017', '1'), /L’année/);
    rejects(() => parseReportMonth('2024', '13'), /Le mois/);
    expect(parseDossierNumber({ numero: ' 4 518 237 ' })).toBe(4518237);
    rejects(() => parseDossierNumber({ numero: '12ab' }), /1 à 15 chiffres/);
    rejects(() => parseDossierNumber({ numero: '0' }), /1 à 15 chiffres/);
    expect(parseJobForm({ tache: 'alert', complet: 'oui' }, ['alert'])).toEqual({ job: 'alert', full: true });
    rejects(() => parseJobForm({ tache: 'rm -rf' }, ['alert']), /Choisissez une tâche/);
  });
});

describe('charts', () => {
  it('round the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 3, 7, 12, 48, 51, 1000].map(niceMax)).toEqual([1, 5, 10, 20, 50, 100, 1000]);
  });

  it('escape the labels and draw one bar segment per non-zero value', () => {
    const svg = stackedBarChart(
      'Décisions <b>',
      'd',
      ['janv. 25', 'févr. 25'],
      [
        { label: 'A & B', color: '#000', values: [2, 0] },
        { label: 'C', color: '#111', values: [1, 3] },
      ],
    );
    expect(svg).toContain('<title id="d-title">Décisions &lt;b&gt;</title>');
    expect(svg).toContain('A &amp; B');
    expect(svg.match(/<rect x="[\d.]+" y="[\d.]+" width="(?!10")/g)).toHaveLength(3);
  });

  it('break a line where a value is missing', () => {
    const svg = lineChart('Délais', 'l', ['a', 'b', 'c'], [{ label: 'Médiane', color: '#000', values: [1, null, 2] }]);
    expect(svg.match(/<path d="([^"]*)"/)?.[1]).toMatch(/^M[\d.,]+ M[\d.,]+$/);
    expect(svg.match(/<circle/g)).toHaveLength(2);
  });
});
