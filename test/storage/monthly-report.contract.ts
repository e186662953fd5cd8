import { DossierGroup } from '../../src/dossier-source/dossier';
import { CategoryKey, CategoryStats, MonthlyReport } from '../../src/monthly-report/monthly-report.types';
import { BackendRef } from './storage-backend';

const BUILT = new Date('2021-06-01T06:00:00Z');
const PARIS: DossierGroup = { id: '75', label: '75 - Paris', type: 'autorisation' };
const PARIS_INTRO: DossierGroup = { id: '75', label: '75 - Paris (introduction)', type: 'introduction' };
const RHONE: DossierGroup = { id: '69', label: '69 - Rhône', type: 'autorisation' };

const stats = (count: number, countries: Record<string, number> = {}): CategoryStats => ({
  count,
  countries,
  dossiers: Array.from({ length: count }, (_, i) => `https://www.demarches-simplifiees.fr/dossiers/${i}`),
  processingDays: { median: count ? 12 : null, p90: count ? 30 : null },
});

export function report(year: number, month: number, group: DossierGroup, base: number): MonthlyReport {
  const categories: Record<CategoryKey, CategoryStats> = {
    more3Months: stats(base, { VIETNAM: base - 1, 'non renseigné': 1 }),
    less3Months: stats(base + 1, { ALGERIE: base, MAROC: 1 }),
    unknownDuration: stats(0),
    refused: stats(2, { TUNISIE: 2 }),
    withoutContinuation: stats(1, { 'CÔTE D’IVOIRE': 1 }),
  };
  return { year, month, group, categories, previousCounts: null };
}

export function monthlyReportContract(backend: BackendRef): void {
  describe('MonthlyReportRepository', () => {
    const repo = () => backend().monthlyReports;

    it('stores a month of reports, one per group id and type, and reads them back as built', async () => {
      const may = [report(2021, 5, PARIS, 4), report(2021, 5, PARIS_INTRO, 3), report(2021, 5, RHONE, 2)];
      await repo().replaceMonth({ year: 2021, month: 5 }, may, BUILT);

      expect(await repo().find({ year: 2021, month: 5 }, { id: '75', type: 'introduction' })).toEqual(may[1]);
      const paris = await repo().find({ year: 2021, month: 5 }, { id: '75', type: 'autorisation' });
      expect(paris).toEqual(may[0]);
      // Most frequent nationality first, as built.
      expect(Object.keys(paris!.categories.less3Months.countries)).toEqual(['ALGERIE', 'MAROC']);
      expect(await repo().find({ year: 2021, month: 4 }, { id: '75', type: 'autorisation' })).toBeNull();
      const listed = await repo().listMonth({ year: 2021, month: 5 });
      expect(listed.map((r) => `${r.group.id}/${r.group.type}`).sort()).toEqual([
        '69/autorisation',
        '75/autorisation',
        '75/introduction',
      ]);
      expect(await repo().listMonth({ year: 2021, month: 6 })).toEqual([]);
    });

    it('replaces the whole month on a rebuild, leaving the other months alone', async () => {
      await repo().replaceMonth({ year: 2021, month: 4 }, [report(2021, 4, PARIS, 9)], BUILT);
      await repo().replaceMonth(
        { year: 2021, month: 5 },
        [report(2021, 5, PARIS, 4), report(2021, 5, RHONE, 2)],
        BUILT,
      );
      await repo().replaceMonth({ year: 2021, month: 5 }, [report(2021, 5, PARIS, 5)], BUILT);

      expect((await repo().listMonth({ year: 2021, month: 5 })).map((r) => r.categories.more3Months.count)).toEqual([
        5,
      ]);
      expect(await repo().find({ year: 2021, month: 5 }, { id: '69', type: 'autorisation' })).toBeNull();
      expect(await repo().listMonth({ year: 2021, month: 4 })).toHaveLength(1);

      await repo().replaceMonth({ year: 2021, month: 5 }, [], BUILT);
      expect(await repo().listMonth({ year: 2021, month: 5 })).toEqual([]);
      await expect(repo().replaceMonth({ year: 2021, month: 6 }, [report(2021, 5, PARIS, 1)], BUILT)).rejects.toThrow(
        'Report of 2021-5 stored as 2021-6',
      );
    });

    it('sums every group of each month of a year, in month order', async () => {
      await repo().replaceMonth(
        { year: 2021, month: 3 },
        [report(2021, 3, PARIS, 4), report(2021, 3, RHONE, 2)],
        BUILT,
      );
      await repo().replaceMonth({ year: 2021, month: 1 }, [report(2021, 1, PARIS_INTRO, 1)], BUILT);
      await repo().replaceMonth({ year: 2020, month: 12 }, [report(2020, 12, PARIS, 7)], BUILT);

      expect(await repo().yearTotals(2021)).toEqual([
        {
          month: 1,
          counts: { more3Months: 1, less3Months: 2, unknownDuration: 0, refused: 2, withoutContinuation: 1 },
        },
        {
          month: 3,
          counts: { more3Months: 6, less3Months: 8, unknownDuration: 0, refused: 4, withoutContinuation: 2 },
        },
      ]);
      expect(await repo().yearTotals(2019)).toEqual([]);
    });

    it('reads one group over a period that spans years, in month order, leaving out its other type', async () => {
      for (const [year, month] of [
        [2020, 11],
        [2020, 12],
        [2021, 1],
        [2021, 2],
      ]) {
        await repo().replaceMonth(
          { year, month },
          [report(year, month, PARIS, month), report(year, month, PARIS_INTRO, 9), report(year, month, RHONE, 3)],
          BUILT,
        );
      }
      const december = report(2020, 12, PARIS, 12);
      december.categories.more3Months.processingDays = { median: 10.5, p90: 41 };
      await repo().replaceMonth({ year: 2020, month: 12 }, [december, report(2020, 12, RHONE, 3)], BUILT);

      const months = await repo().findGroupFigures(PARIS, { year: 2020, month: 12 }, { year: 2021, month: 1 });
      expect(months).toEqual([
        {
          year: 2020,
          month: 12,
          counts: { more3Months: 12, less3Months: 13, unknownDuration: 0, refused: 2, withoutContinuation: 1 },
          processingDays: { median: 10.5, p90: 41 },
        },
        {
          year: 2021,
          month: 1,
          counts: { more3Months: 1, less3Months: 2, unknownDuration: 0, refused: 2, withoutContinuation: 1 },
          processingDays: { median: 12, p90: 30 },
        },
      ]);
      const empty = report(2021, 2, PARIS, 0);
      await repo().replaceMonth({ year: 2021, month: 2 }, [empty], BUILT);
      const [february] = await repo().findGroupFigures(PARIS, { year: 2021, month: 2 }, { year: 2021, month: 2 });
      expect(february.processingDays).toEqual({ median: null, p90: null });
      expect(await repo().findGroupFigures(RHONE, { year: 2019, month: 1 }, { year: 2020, month: 10 })).toEqual([]);
    });

    it("sums a month's nationalities over every category, of one group or of all, any name being only a name", async () => {
      const paris = report(2021, 5, PARIS, 4);
      paris.categories.unknownDuration = { ...paris.categories.unknownDuration, count: 2 };
      paris.categories.unknownDuration.countries = { ['__proto__']: 1, constructor: 1 };
      await repo().replaceMonth({ year: 2021, month: 5 }, [paris, report(2021, 5, RHONE, 2)], BUILT);

      const ofParis = await repo().countriesOfMonth({ year: 2021, month: 5 }, PARIS);
      expect(Object.fromEntries([...ofParis].sort(([a], [b]) => a.localeCompare(b)))).toEqual({
        ALGERIE: 4,
        constructor: 1,
        'CÔTE D’IVOIRE': 1,
        MAROC: 1,
        'non renseigné': 1,
        TUNISIE: 2,
        VIETNAM: 3,
        ['__proto__']: 1,
      });
      const national = await repo().countriesOfMonth({ year: 2021, month: 5 }, null);
      expect(national.get('VIETNAM')).toBe(3 + 1);
      expect(national.get('TUNISIE')).toBe(4);
      expect(national.get('__proto__')).toBe(1);
      expect((await repo().countriesOfMonth({ year: 2021, month: 6 }, null)).size).toBe(0);
      expect((await repo().countriesOfMonth({ year: 2021, month: 5 }, PARIS_INTRO)).size).toBe(0);
    });
  });
}
