import { Injectable } from '@nestjs/common';
import { YearMonth } from '../common/paris-time';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { KintoRecords, contentHash, kintoId } from '../kinto/kinto-records';
import { GroupKey, MonthlyReportRepository } from './monthly-report.repository';
import { sortCountries } from './monthly-report.rules';
import { CategoryKey, MonthCounts, MonthFigures, MonthlyReport } from './monthly-report.types';
import { mergeCountries } from './monthly-report.view';

/** A record of `monthly_reports`: the report as built from the dossier source, keyed by its period and group. */
interface MonthlyReportRecord {
  year: number;
  /** 1 to 12. */
  month: number;
  group_id: string;
  group_type: string;
  group_label: string;
  report: MonthlyReport;
  /** The report's category counts, kept apart so that yearly totals read them alone (`_fields=month,counts`). */
  counts: Record<CategoryKey, number>;
  /** Epoch ms of the run that last changed it. */
  built_at: number;
  /** Content hash of everything but `built_at`: a rebuild that finds the same report writes nothing. */
  hash: string;
}

// A Record so that the compiler notices a new category.
const CATEGORIES: Record<CategoryKey, true> = {
  more3Months: true,
  less3Months: true,
  unknownDuration: true,
  refused: true,
  withoutContinuation: true,
};
const CATEGORY_KEYS = Object.keys(CATEGORIES) as CategoryKey[];

export const monthlyReportId = ({ year, month }: YearMonth, group: GroupKey) =>
  kintoId('mr', year, String(month).padStart(2, '0'), group.id, group.type);

const countsOf = (report: MonthlyReport) =>
  Object.fromEntries(CATEGORY_KEYS.map((key) => [key, report.categories[key].count])) as Record<CategoryKey, number>;

/** Kinto's PostgreSQL storage keeps JSON objects as jsonb, which reorders keys: restore "most frequent first". */
function toReport(record: Pick<MonthlyReportRecord, 'report'>): MonthlyReport {
  const report = record.report;
  for (const stats of Object.values(report.categories)) stats.countries = sortCountries(stats.countries);
  return report;
}

@Injectable()
export class KintoMonthlyReportRepository extends MonthlyReportRepository {
  private readonly records: KintoRecords<MonthlyReportRecord>;
  /**
   * What is stored (id → hash, period), read once per run (`builtAt`): a full run rebuilds every month since 2018,
   * and one listing of the hashes costs a few requests where a read per month would cost a hundred.
   */
  private stored: { at: number; byId: Map<string, { hash: string; year: number; month: number }> } | null = null;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'monthly_reports');
  }

  /** Forgets what was read: the next rebuild lists the collection again. */
  dropCache(): void {
    this.stored = null;
  }

  private async storedHashes(at: number) {
    if (this.stored?.at !== at) {
      const byId = new Map<string, { hash: string; year: number; month: number }>();
      for (const r of await this.records.all({ fields: ['hash', 'year', 'month'] })) {
        byId.set(r.id, { hash: r.hash, year: r.year, month: r.month });
      }
      this.stored = { at, byId };
    }
    return this.stored.byId;
  }

  /**
   * Kinto has no transaction across requests: the month's changed reports are written first (PUT by id, so a rebuild
   * overwrites), and only then the groups that no longer have a report are deleted. A reader meanwhile sees the old
   * or the new report of each group, never an empty month; a failed run leaves a state the next run repairs.
   */
  async replaceMonth(month: YearMonth, reports: MonthlyReport[], builtAt: Date): Promise<void> {
    const stray = reports.find((r) => r.year !== month.year || r.month !== month.month);
    if (stray) throw new Error(`Report of ${stray.year}-${stray.month} stored as ${month.year}-${month.month}`);
    const stored = await this.storedHashes(builtAt.getTime());
    const ids = new Set<string>();
    const writes: Array<{ method: 'PUT'; id: string; data: MonthlyReportRecord }> = [];
    for (const report of reports) {
      const id = monthlyReportId(month, report.group);
      ids.add(id);
      const content = {
        year: month.year,
        month: month.month,
        group_id: report.group.id,
        group_type: report.group.type,
        group_label: report.group.label,
        report,
        counts: countsOf(report),
      };
      const hash = contentHash(content);
      if (stored.get(id)?.hash === hash) continue;
      writes.push({ method: 'PUT', id, data: { ...content, built_at: builtAt.getTime(), hash } });
    }
    const gone = [...stored]
      .filter(([id, r]) => r.year === month.year && r.month === month.month && !ids.has(id))
      .map(([id]) => id);
    try {
      await this.records.batch(writes);
      await this.records.batch(
        gone.map((id) => ({ method: 'DELETE', id })),
        [404],
      );
    } catch (error) {
      this.stored = null;
      throw error;
    }
    for (const w of writes) stored.set(w.id, { hash: w.data.hash, year: month.year, month: month.month });
    for (const id of gone) stored.delete(id);
  }

  /** One GET by id: the id is the period and the group. */
  async find(month: YearMonth, group: GroupKey): Promise<MonthlyReport | null> {
    const record = await this.records.get(monthlyReportId(month, group));
    return record ? toReport(record) : null;
  }

  async listMonth({ year, month }: YearMonth): Promise<MonthlyReport[]> {
    const records = await this.records.all({ filters: { year, month } });
    return records.map(toReport);
  }

  /** The group's records (a few hundred at most: one a month), then the period is picked here. */
  async findGroupFigures(group: GroupKey, from: YearMonth, to: YearMonth): Promise<MonthFigures[]> {
    const records = await this.records.all({ filters: { group_id: group.id, group_type: group.type } });
    const [first, last] = [from.year * 12 + from.month, to.year * 12 + to.month];
    return records
      .filter((r) => r.year * 12 + r.month >= first && r.year * 12 + r.month <= last)
      .sort((a, b) => a.year * 12 + a.month - (b.year * 12 + b.month))
      .map(({ year, month, report }) => ({
        year,
        month,
        counts: countsOf(report),
        processingDays: { ...report.categories.more3Months.processingDays },
      }));
  }

  async countriesOfMonth(month: YearMonth, group: GroupKey | null): Promise<Map<string, number>> {
    const reports = group ? [await this.find(month, group)].filter((r) => r !== null) : await this.listMonth(month);
    return mergeCountries(reports.flatMap((r) => CATEGORY_KEYS.map((key) => r.categories[key].countries)));
  }

  /** Only the counts travel (`_fields`), then they are summed here: Kinto does not aggregate. */
  async yearTotals(year: number): Promise<MonthCounts[]> {
    const records = await this.records.all({ filters: { year }, fields: ['month', 'counts'] });
    const totals = new Map<number, Record<CategoryKey, number>>();
    for (const record of records) {
      const counts =
        totals.get(record.month) ??
        (Object.fromEntries(CATEGORY_KEYS.map((key) => [key, 0])) as Record<CategoryKey, number>);
      for (const key of CATEGORY_KEYS) counts[key] += record.counts[key] ?? 0;
      totals.set(record.month, counts);
    }
    return [...totals.entries()].sort(([a], [b]) => a - b).map(([month, counts]) => ({ month, counts }));
  }
}
