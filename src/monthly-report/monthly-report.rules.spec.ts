import { DossierGroup } from '../dossier-source/dossier';
import { MonthDecisions } from './dossier-statistics.repository';
import {
  assembleMonthlyReports,
  countsByGroup,
  emptyCategory,
  groupSlug,
  parseGroupSlug,
  planMonthlyReportRun,
  monthlyMailKey,
  planMonthlyMails,
  sortCountries,
  zeroCounts,
} from './monthly-report.rules';
import { CategoryStats, MonthlyReport } from './monthly-report.types';

const PARIS: DossierGroup = { id: '75', label: '75 - Paris', type: 'autorisation' };
const PARIS_INTRODUCTION: DossierGroup = { id: '75', label: '75 - Paris', type: 'introduction' };
const AISNE: DossierGroup = { id: '02', label: '02 - Aisne', type: 'autorisation' };
const FIRST_MONTH = { year: 2018, month: 1 };

function stats(count: number, countries: Record<string, number> = {}): CategoryStats {
  return {
    count,
    countries,
    dossiers: Array.from({ length: count }, (_, i) => `https://ds/${i}`),
    processingDays: { median: 3, p90: 5 },
  };
}

function march(groups: MonthDecisions['groups']): MonthDecisions {
  return { month: { year: 2021, month: 3 }, groups, ungrouped: 0 };
}

describe('group slugs', () => {
  it('names the introduction group with a suffix and reads it back', () => {
    expect(groupSlug(PARIS)).toBe('75');
    expect(groupSlug(PARIS_INTRODUCTION)).toBe('75-introduction');
    expect(parseGroupSlug('75-introduction')).toEqual({ id: '75', type: 'introduction' });
    expect(parseGroupSlug('2A')).toEqual({ id: '2A', type: 'autorisation' });
  });
});

describe('assembleMonthlyReports', () => {
  it('gives every configured group a report, zeros included, in group order with the configured label', () => {
    const reports = assembleMonthlyReports({
      decisions: march([
        { group: { ...PARIS, label: 'Paris (old label)' }, categories: { refused: stats(2, { MAROC: 2 }) } },
      ]),
      configuredGroups: [PARIS_INTRODUCTION, PARIS, AISNE],
      previous: null,
    });
    expect(reports.map((r) => [r.group.id, r.group.type, r.group.label])).toEqual([
      ['02', 'autorisation', '02 - Aisne'],
      ['75', 'autorisation', '75 - Paris'],
      ['75', 'introduction', '75 - Paris'],
    ]);
    expect(reports[1]).toEqual({
      year: 2021,
      month: 3,
      group: PARIS,
      categories: {
        more3Months: emptyCategory(),
        less3Months: emptyCategory(),
        unknownDuration: emptyCategory(),
        refused: stats(2, { MAROC: 2 }),
        withoutContinuation: emptyCategory(),
      },
      previousCounts: null,
    });
    expect(reports[0].categories.refused).toEqual(emptyCategory());
  });

  it('keeps a group that decided dossiers without being configured', () => {
    const stray = { id: '99', label: '99 - Ailleurs', type: 'autorisation' as const };
    const reports = assembleMonthlyReports({
      decisions: march([{ group: stray, categories: { more3Months: stats(1) } }]),
      configuredGroups: [PARIS],
      previous: null,
    });
    expect(reports.map((r) => r.group)).toEqual([PARIS, stray]);
  });

  it('takes the previous counts of the same group and type, zero for a group absent last month', () => {
    const february = assembleMonthlyReports({
      decisions: {
        month: { year: 2021, month: 2 },
        groups: [
          { group: PARIS, categories: { more3Months: stats(4), refused: stats(1) } },
          { group: PARIS_INTRODUCTION, categories: { unknownDuration: stats(7) } },
        ],
        ungrouped: 0,
      },
      configuredGroups: [PARIS, PARIS_INTRODUCTION],
      previous: null,
    });
    const reports = assembleMonthlyReports({
      decisions: march([]),
      configuredGroups: [PARIS, PARIS_INTRODUCTION, AISNE],
      previous: countsByGroup(february),
    });
    expect(reports.map((r) => r.previousCounts)).toEqual([
      zeroCounts(),
      { ...zeroCounts(), more3Months: 4, refused: 1 },
      { ...zeroCounts(), unknownDuration: 7 },
    ]);
  });
});

describe('sortCountries', () => {
  it('puts the most frequent first, then by name, whatever the order it is given', () => {
    const sorted = sortCountries({ 'non renseigné': 2, VIETNAM: 1, CHINE: 9, INDE: 2, ALGERIE: 2 });
    expect(Object.entries(sorted)).toEqual([
      ['CHINE', 9],
      ['ALGERIE', 2],
      ['INDE', 2],
      ['non renseigné', 2],
      ['VIETNAM', 1],
    ]);
  });

  it('keeps nationalities named __proto__ or constructor as counted names, through a JSON round trip', () => {
    const stored = JSON.parse('{"constructor": 1, "__proto__": 3, "MALI": 2}') as Record<string, number>;
    const sorted = sortCountries(stored);
    expect(Object.entries(sorted)).toEqual([
      ['__proto__', 3],
      ['MALI', 2],
      ['constructor', 1],
    ]);
    expect(JSON.parse(JSON.stringify(sorted))).toEqual(sorted);
    expect(Object.getPrototypeOf(sorted)).toBe(Object.prototype);
  });
});

describe('planMonthlyMails', () => {
  const report = (group: DossierGroup) => ({ year: 2021, month: 3, group }) as MonthlyReport;
  const paris = report(PARIS);
  const introduction = report(PARIS_INTRODUCTION);
  const aisne = report(AISNE);

  it('sends the national summary to the default recipients and each unit its own mail', () => {
    const plan = planMonthlyMails([introduction, paris, aisne], ['national@travail.gouv.fr', ' '], {
      '75': ['ud75@dreets.gouv.fr', 'paris@dreets.gouv.fr', 'UD75@dreets.gouv.fr'],
      '75-introduction': ['paris@dreets.gouv.fr', 'NATIONAL@travail.gouv.fr'],
      '13': ['ud13@dreets.gouv.fr'],
    });
    expect(plan).toEqual([
      { scope: 'national', recipient: 'national@travail.gouv.fr' },
      { scope: 'unit', recipient: 'ud75@dreets.gouv.fr', report: paris },
      { scope: 'unit', recipient: 'paris@dreets.gouv.fr', report: paris },
      { scope: 'unit', recipient: 'paris@dreets.gouv.fr', report: introduction },
      { scope: 'unit', recipient: 'NATIONAL@travail.gouv.fr', report: introduction },
    ]);
    expect(plan.map((mail) => monthlyMailKey({ year: 2021, month: 3 }, mail))).toEqual([
      'monthly-report:2021-03:national:national@travail.gouv.fr',
      'monthly-report:2021-03:75:ud75@dreets.gouv.fr',
      'monthly-report:2021-03:75:paris@dreets.gouv.fr',
      'monthly-report:2021-03:75-introduction:paris@dreets.gouv.fr',
      'monthly-report:2021-03:75-introduction:national@travail.gouv.fr',
    ]);
  });

  it('finds no recipients for a unit named like an Object.prototype member', () => {
    const odd = report({ id: 'constructor', label: 'x', type: 'autorisation' });
    const proto = report({ id: '__proto__', label: 'y', type: 'autorisation' });
    expect(planMonthlyMails([odd, proto], [], {})).toEqual([]);
  });

  it('plans nothing without recipients or reports', () => {
    expect(planMonthlyMails([paris], [], {})).toEqual([]);
    expect(planMonthlyMails([], ['a@b.fr'], {})).toEqual([]);
  });
});

describe('planMonthlyReportRun', () => {
  // 1 March 2021 at 00:30 in Paris, still February in UTC.
  const now = new Date('2021-02-28T23:30:00Z');

  it('builds and mails the previous Paris month from the cron', () => {
    expect(planMonthlyReportRun({ full: false }, now, FIRST_MONTH)).toEqual({
      from: { year: 2021, month: 2 },
      to: { year: 2021, month: 2 },
      mail: true,
    });
    expect(planMonthlyReportRun({}, new Date('2021-01-01T07:00:00Z'), FIRST_MONTH)).toMatchObject({
      from: { year: 2020, month: 12 },
    });
  });

  it('builds a given month without mail unless asked', () => {
    expect(planMonthlyReportRun({ month: '2020-09', full: false }, now, FIRST_MONTH)).toEqual({
      from: { year: 2020, month: 9 },
      to: { year: 2020, month: 9 },
      mail: false,
    });
    expect(planMonthlyReportRun({ month: '2020-09', mail: true }, now, FIRST_MONTH).mail).toBe(true);
  });

  it('rebuilds every month from the first one to the previous month, without mail unless asked', () => {
    expect(planMonthlyReportRun({ full: true }, now, FIRST_MONTH)).toEqual({
      from: FIRST_MONTH,
      to: { year: 2021, month: 2 },
      mail: false,
    });
    expect(planMonthlyReportRun({ full: true, mail: true }, now, FIRST_MONTH).mail).toBe(true);
  });

  it('refuses a malformed month, or a month with a full rebuild', () => {
    expect(() => planMonthlyReportRun({ month: '2020-13' }, now, FIRST_MONTH)).toThrow(/YYYY-MM/);
    expect(() => planMonthlyReportRun({ month: 202009 }, now, FIRST_MONTH)).toThrow(/YYYY-MM/);
    expect(() => planMonthlyReportRun({ month: '2020-09', full: true }, now, FIRST_MONTH)).toThrow(/either/);
  });
});
