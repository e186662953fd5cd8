import { Logger } from '@nestjs/common';
import { FixedClock } from '../common/clock';
import { monthsBetween, YearMonth } from '../common/paris-time';
import { loadConfig } from '../config/app-config';
import { DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { DossierStatisticsRepository, MonthDecisions } from './dossier-statistics.repository';
import { JobContext } from '../jobs/job-handler';
import { MonthlyReportRepository } from './monthly-report.repository';
import { emptyCategory } from './monthly-report.rules';
import { MonthlyReportService } from './monthly-report.service';
import { MonthlyReport } from './monthly-report.types';

const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const NOW = new Date('2020-10-01T06:00:00Z');

/** Every month of the range with one refused Paris dossier per month number (January 1, February 2…). */
async function* decisions(from: YearMonth, to: YearMonth): AsyncGenerator<MonthDecisions> {
  for await (const month of monthsBetween(from, to)) {
    const refused = { ...emptyCategory(), count: month.month };
    yield { month, groups: [{ group: PARIS, categories: { refused } }], ungrouped: 0 };
  }
}

function setup() {
  const statistics = { decisionsByMonth: jest.fn(decisions) };
  const source = { listGroups: jest.fn().mockResolvedValue([PARIS]) };
  const stored: Array<[YearMonth, MonthlyReport[]]> = [];
  const reports = { replaceMonth: jest.fn((m: YearMonth, r: MonthlyReport[]) => void stored.push([m, r])) };
  const service = new MonthlyReportService(
    statistics as unknown as DossierStatisticsRepository,
    source as unknown as DossierSourceRepository,
    reports as unknown as MonthlyReportRepository,
    loadConfig({ MONTHLY_REPORT_FIRST_MONTH: '2020-01' }),
    new FixedClock(NOW),
  );
  const progress = { read: 0, written: 0, advanced: 0 };
  const ctx = {
    now: NOW,
    logger: new Logger('test'),
    read: (n = 1) => void (progress.read += n),
    written: (n = 1) => void (progress.written += n),
    advance: (n = 1) => void (progress.advanced += n),
    betweenBatches: () => Promise.resolve(),
  } as unknown as JobContext;
  return { service, statistics, stored, progress, ctx };
}

describe('MonthlyReportService.rebuild', () => {
  it('reads the month before too, for the change, but stores only the months asked for', async () => {
    const { service, statistics, stored, progress, ctx } = setup();
    await service.rebuild({ year: 2020, month: 8 }, { year: 2020, month: 9 }, ctx);
    expect(statistics.decisionsByMonth).toHaveBeenCalledWith({ year: 2020, month: 7 }, { year: 2020, month: 9 });
    expect(stored.map(([m, r]) => [m.month, r[0].categories.refused.count, r[0].previousCounts?.refused])).toEqual([
      [8, 8, 7],
      [9, 9, 8],
    ]);
    expect(progress).toEqual({ read: 17, written: 2, advanced: 2 });
  });

  it('gives the first report month no previous one, and reads nothing before it', async () => {
    const { service, statistics, stored, ctx } = setup();
    await service.rebuild({ year: 2020, month: 1 }, { year: 2020, month: 2 }, ctx);
    expect(statistics.decisionsByMonth).toHaveBeenCalledWith({ year: 2020, month: 1 }, { year: 2020, month: 2 });
    expect(stored.map(([, r]) => r[0].previousCounts?.refused ?? null)).toEqual([null, 1]);
  });
});
