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
      const months = await repo().findGroupMonths(PARIS, { year: 2020, month: 12 }, { year: 2021, month: 1 });
      expect(months.map((r) => [r.year, r.month, r.group.type, r.categories.more3Months.count])).toEqual([
        [2020, 12, 'autorisation', 12],
        [2021, 1, 'autorisation', 1],
      ]);
      expect(months.every((r) => Object.values(r.categories).every((c) => c.dossiers.length === 0))).toBe(true);
      expect(months[0].categories.more3Months.countries).toEqual({ VIETNAM: 11, 'non renseigné': 1 });
      expect(await repo().findGroupMonths(RHONE, { year: 2019, month: 1 }, { year: 2020, month: 10 })).toEqual([]);
    });
  });
}
