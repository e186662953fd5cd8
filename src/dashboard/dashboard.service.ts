import { Injectable } from '@nestjs/common';
import { AlertFilter } from '../alert/alert';
import { AlertType } from '../alert/alert-type';
import { AlertPage, AlertService } from '../alert/alert.service';
import { StaffRole } from '../config/staff-access';
import { Clock } from '../common/clock';
import { parisMonth, shiftMonth, YearMonth, monthIndex } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { JobRun } from '../jobs/job-run';
import { JobRunsService } from '../jobs/job-runs.service';
import { JobRegistry } from '../jobs/job-registry';
import { JobRunner } from '../jobs/job-runner.service';
import { GroupKey, MonthlyReportService, WorkbookFile } from '../monthly-report/monthly-report.service';
import { CategoryKey, MonthFigures as StoredMonthFigures } from '../monthly-report/monthly-report.types';
import { CheckExplanation, ValidityCheckService } from '../validity-check/validity-check.service';
import { UnitChoice, visibleUnits } from './dashboard-scope';
import { CATEGORY_KEYS } from '../monthly-report/monthly-report.view';
import { Readable } from 'node:stream';

/** Months shown on the dashboard, ending with the last complete month. */
export const HISTORY_MONTHS = 24;
const TOP_COUNTRIES = 10;

export interface MonthFigures {
  month: YearMonth;
  counts: Record<CategoryKey, number>;
  /** Processing days of "APT + 3 mois" dossiers; null nationally (a median of medians means nothing). */
  medianDays: number | null;
  p90Days: number | null;
}

export interface DashboardFigures {
  months: MonthFigures[];
  /** The last complete month and the one before, when built. */
  current: MonthFigures | null;
  previous: MonthFigures | null;
  openAlerts: Record<AlertType, number>;
  /** Nationalities of the dossiers decided in the last complete month, most frequent first. */
  topCountries: Array<{ country: string; count: number }>;
  lastMonth: YearMonth;
}

const zero = (): Record<CategoryKey, number> =>
  Object.fromEntries(CATEGORY_KEYS.map((k) => [k, 0])) as Record<CategoryKey, number>;

function fromStored({ year, month, counts, processingDays }: StoredMonthFigures): MonthFigures {
  return { month: { year, month }, counts, medianDays: processingDays.median, p90Days: processingDays.p90 };
}

/** Every month of the window, with zeros where no report was built (a unit created later, say). */
function fillWindow(from: YearMonth, to: YearMonth, known: MonthFigures[]): MonthFigures[] {
  const byIndex = new Map(known.map((m) => [monthIndex(m.month), m]));
  const out: MonthFigures[] = [];
  for (let m = from; monthIndex(m) <= monthIndex(to); m = shiftMonth(m, 1)) {
    out.push(byIndex.get(monthIndex(m)) ?? { month: m, counts: zero(), medianDays: null, p90Days: null });
  }
  return out;
}

function topCountries(countries: Map<string, number>): Array<{ country: string; count: number }> {
  return [...countries.entries()]
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b, 'fr'))
    .slice(0, TOP_COUNTRIES)
    .map(([country, count]) => ({ country, count }));
}

/**
 * What the staff pages show, from the stored reports, the alert table and the job records: no page reads the
 * aggregator's dossiers, except the check of one dossier by its number.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly reports: MonthlyReportService,
    private readonly alerts: AlertService,
    private readonly checks: ValidityCheckService,
    private readonly runs: JobRunsService,
    private readonly runner: JobRunner,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async units(role: StaffRole): Promise<UnitChoice[]> {
    return visibleUnits(role, await this.reports.units());
  }

  /** The last complete Paris month: the newest the monthly job has built. */
  lastMonth(): YearMonth {
    return shiftMonth(parisMonth(this.clock.now()), -1);
  }

  /** One unit's figures, or the national ones (`null`). */
  async figures(unit: GroupKey | null): Promise<DashboardFigures> {
    const lastMonth = this.lastMonth();
    const from = shiftMonth(lastMonth, -(HISTORY_MONTHS - 1));
    const [known, openAlerts, countries] = await Promise.all([
      unit
        ? this.reports.groupFigures(unit, from, lastMonth).then((figures) => figures.map(fromStored))
        : this.reports.nationalHistory(from, lastMonth).then((totals) =>
            totals.map((t) => ({
              month: { year: t.year, month: t.month },
              counts: t.counts,
              medianDays: null,
              p90Days: null,
            })),
          ),
      this.alerts.openCountsByType(unit?.id),
      this.reports.countriesOfMonth(lastMonth, unit),
    ]);
    const months = fillWindow(from, lastMonth, known);
    const byIndex = new Map(known.map((m) => [monthIndex(m.month), m]));
    return {
      months,
      current: byIndex.get(monthIndex(lastMonth)) ?? null,
      previous: byIndex.get(monthIndex(shiftMonth(lastMonth, -1))) ?? null,
      openAlerts,
      topCountries: topCountries(countries),
      lastMonth,
    };
  }

  listAlerts(filter: AlertFilter, page: number, pageSize: number): Promise<AlertPage> {
    return this.alerts.list(filter, page, pageSize);
  }

  alertWorkbook(filter: AlertFilter): Readable {
    return this.alerts.workbook(filter);
  }

  /** The months with a stored report, newest first: of one unit, or nationally. */
  async reportMonths(unit: GroupKey | null): Promise<Array<{ month: YearMonth; total: number }>> {
    const from = this.config.monthlyReport.firstMonth;
    const to = this.lastMonth();
    const months = unit
      ? (await this.reports.groupFigures(unit, from, to)).map(fromStored)
      : (await this.reports.nationalHistory(from, to)).map((t) => ({
          month: { year: t.year, month: t.month },
          counts: t.counts,
        }));
    return months.map((m) => ({ month: m.month, total: CATEGORY_KEYS.reduce((n, k) => n + m.counts[k], 0) })).reverse();
  }

  unitWorkbook(month: YearMonth, unit: GroupKey): Promise<WorkbookFile> {
    return this.reports.unitWorkbook(month, unit);
  }

  nationalWorkbook(month: YearMonth): Promise<WorkbookFile> {
    return this.reports.nationalWorkbook(month);
  }

  explainCheck(dossierId: number): Promise<CheckExplanation | null> {
    return this.checks.explain(dossierId);
  }

  recentRuns(limit = 30): Promise<JobRun[]> {
    return this.runs.recent({ limit });
  }

  jobNames(): string[] {
    return this.registry.names();
  }

  /** Same rules as the admin API: one run of a job at a time (JobAlreadyRunningError otherwise). */
  async startJob(name: string, full: boolean): Promise<JobRun> {
    // The registry turns a name from a form into a job name, or answers UnknownJobError (404).
    const { run } = await this.runner.start(this.registry.get(name).name, { trigger: 'api', full });
    return run;
  }
}
