import { loadConfig } from '../config/app-config';
import { insertDossierRecords } from '../../test/helpers/aggregator';
import { dossierRow, RowOptions } from '../../test/helpers/dossier-row';
import { sqlBackends } from '../../test/helpers/sql-backends';
import { DossierRecordRow } from '../dossier-source/aggregator-row';
import { MonthDecisions } from './dossier-statistics.repository';
import { PgDossierStatisticsRepository } from './dossier-statistics.pg.repository';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const DS = 'https://ds.test';
const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { id: '75', label: '75 - Paris', type: 'introduction' as const };
const link = (procedure: number, dossier: number) => `${DS}/procedures/${procedure}/dossiers/${dossier}`;
const apt = (debut: string | null, fin: string | null) => ({ 'Date de début APT': debut, 'Date de fin APT': fin });

function decided(dossierId: number, processedAt: string, o: Partial<RowOptions> = {}): DossierRecordRow {
  return dossierRow({ dossierId, processedAt, initiatedAt: '2021-03-01T09:00:00Z', ...o });
}

/**
 * A fixed month of Paris dossiers (March 2021, which holds the switch to summer time) around every rule: each
 * category, the month boundaries in Paris, 90 against 91 days, missing and malformed fields, the aggregator's
 * placeholder and NULL decision dates, Paris autorisations against introductions.
 */
function dataset(): DossierRecordRow[] {
  const rows = [
    // Accepted, 91 days or more. 1001 crosses the switch to summer time, 1002 is decided at 23:30 on 31 March in
    // Paris, 1003 is the original's DST victim (decision paris-calendar-day-arithmetic), 1018 is decided at 00:30
    // on 1 March in Paris (still winter).
    decided(1001, '2021-03-11T09:00:00Z', {
      champs: { Nationalité: 'CHINE' },
      annotations: apt('2021-03-01', '2021-05-30'),
    }),
    decided(1002, '2021-03-31T21:30:00Z', {
      initiatedAt: '2021-03-10T09:00:00Z',
      champs: { Nationalité: 'CHINE' },
      annotations: apt('2019-01-01', '2019-04-01'),
    }),
    decided(1003, '2021-03-20T09:00:00Z', {
      initiatedAt: '2021-03-15T09:00:00Z',
      champs: { Nationalité: 'MAROC' },
      annotations: apt('2019-08-03', '2019-11-01'),
    }),
    decided(1018, '2021-02-28T23:30:00Z', { initiatedAt: '2020-09-14T08:31:02Z' }),
    // Accepted, under 91 days; 1020 was saved before groups had a type: an autorisation.
    decided(1004, '2021-03-03T09:00:00Z', {
      champs: { Nationalité: 'MAROC' },
      annotations: apt('2019-01-01', '2019-03-31'),
    }),
    decided(1020, '2021-03-12T09:00:00Z', {
      initiatedAt: '2021-03-02T09:00:00Z',
      group: { id: '75', label: '75 - Paris' },
      champs: { Nationalité: 'INDE' },
      annotations: apt('2021-03-01', '2021-03-31'),
    }),
    // Accepted, duration unknown: no start date and no nationality; a day that does not exist and a blank
    // nationality; an end before the start.
    decided(1005, '2021-03-04T09:00:00Z', { champs: { Nationalité: null }, annotations: apt(null, '2021-06-30') }),
    decided(1006, '2021-03-04T10:00:00Z', {
      champs: { Nationalité: '  ' },
      annotations: apt('2021-01-01', '2021-02-30'),
    }),
    decided(1007, '2021-03-04T11:00:00Z', {
      champs: { Nationalité: 'ALGERIE' },
      annotations: apt('2021-06-30', '2021-01-01'),
    }),
    // Refused: processing times 2, 4, 10 and 20 days; one without a dépôt date, one with a dépôt after the décision.
    decided(1008, '2021-03-03T10:00:00Z', { state: 'refused', champs: { Nationalité: 'TUNISIE' } }),
    decided(1009, '2021-03-05T10:00:00Z', { state: 'refused', champs: { Nationalité: 'TUNISIE' } }),
    decided(1010, '2021-03-11T10:00:00Z', { state: 'refused', champs: { Nationalité: 'ALGERIE' } }),
    decided(1011, '2021-03-21T10:00:00Z', { state: 'refused', champs: { Nationalité: 'SENEGAL' } }),
    decided(1012, '2021-03-22T10:00:00Z', { state: 'refused', initiatedAt: null }),
    decided(1013, '2021-03-23T10:00:00Z', { state: 'refused', initiatedAt: '2021-03-25T10:00:00Z' }),
    // Sans suite, with the decision date found elsewhere than in the column.
    decided(1014, '2021-03-05T10:00:00Z', { state: 'without_continuation' }),
    decided(1015, '2021-03-06T10:00:00Z', { state: 'without_continuation' }),
    decided(1021, '2021-03-07T10:00:00Z', { state: 'without_continuation' }),
    // Not decided, or with no usable decision date: in no report.
    dossierRow({ dossierId: 1016, state: 'received', processedAt: null }),
    decided(1022, '2021-03-08T10:00:00Z'),
    // Neighbouring months: 00:30 on 1 April and 23:30 on 28 February, in Paris.
    decided(1017, '2021-03-31T22:30:00Z'),
    decided(1019, '2021-02-28T22:30:00Z'),
    // The Paris introduction group and another unit.
    decided(2001, '2021-03-15T09:00:00Z', { procedureId: 33588, group: PARIS_INTRODUCTION }),
    decided(2002, '2021-03-16T09:00:00Z', { procedureId: 33588, group: PARIS_INTRODUCTION, state: 'refused' }),
    decided(3001, '2021-03-20T09:00:00Z', { procedureId: 12858, group: { id: '13', label: '13 - Bouches du Rhône' } }),
    // No group at all.
    decided(4001, '2021-03-20T09:00:00Z', { procedureId: 99999 }),
  ];
  const byId = (id: number) => rows.find((r) => r.ds_key.endsWith(`-${id}`))!;
  byId(1014).processed_at = null; // older than the column: read from metadata
  byId(1015).processed_at = new Date(0); // placeholder never refreshed (decision-date-placeholder-ignored)
  const noMetadata = byId(1021); // nothing but ds_data
  noMetadata.processed_at = null;
  noMetadata.metadata.processed_at = null;
  const garbage = byId(1022);
  garbage.processed_at = null;
  garbage.metadata.processed_at = null;
  garbage.ds_data.processed_at = 'bientôt';
  delete (byId(4001).metadata as { group?: unknown }).group;
  return rows;
}

async function collect(generator: AsyncGenerator<MonthDecisions>): Promise<MonthDecisions[]> {
  const months: MonthDecisions[] = [];
  for await (const month of generator) months.push(month);
  return months;
}

const backends = sqlBackends('statistics');

describe.each(backends)('dossier statistics in SQL (%s)', (_name, open) => {
  let cleanup: () => Promise<void>;
  let repository: PgDossierStatisticsRepository;
  let march: MonthDecisions;

  beforeAll(async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    await opened.databases.migrate();
    await insertDossierRecords(opened.databases, dataset());
    repository = new PgDossierStatisticsRepository(opened.databases, loadConfig({ DS_BASE_URL: `${DS}/` }));
    [march] = await collect(repository.decisionsByMonth({ year: 2021, month: 3 }, { year: 2021, month: 3 }));
  });
  afterAll(() => cleanup?.());

  const group = (id: string, type: string) => march.groups.find((g) => g.group.id === id && g.group.type === type);

  it('answers every month of the range in order, empty ones included, each dossier in its Paris month', async () => {
    const months = await collect(repository.decisionsByMonth({ year: 2021, month: 1 }, { year: 2021, month: 4 }));
    expect(months.map((m) => m.month)).toEqual([1, 2, 3, 4].map((month) => ({ year: 2021, month })));
    expect(months[0]).toEqual({ month: { year: 2021, month: 1 }, groups: [], ungrouped: 0 });
    // 23:30 on 28 February in Paris is February; 00:30 on 1 April is April.
    expect(months[1].groups).toEqual([
      { group: PARIS, categories: { more3Months: expect.objectContaining({ count: 1 }) } },
    ]);
    expect(months[1].groups[0].categories.more3Months?.dossiers).toEqual([link(14131, 1019)]);
    expect(months[3].groups[0].categories.more3Months?.dossiers).toEqual([link(14131, 1017)]);
    expect(months[2]).toEqual(march);
  });

  it('gives the same month whatever the range it is read in', async () => {
    const months = await collect(repository.decisionsByMonth({ year: 2020, month: 6 }, { year: 2021, month: 7 }));
    expect(months).toHaveLength(14);
    expect(months.find((m) => m.month.year === 2021 && m.month.month === 3)).toEqual(march);
  });

  it('tells the Paris autorisation and introduction groups apart, and counts dossiers without a group aside', () => {
    expect(march.groups.map((g) => g.group)).toEqual(
      expect.arrayContaining([
        PARIS,
        PARIS_INTRODUCTION,
        { id: '13', label: '13 - Bouches du Rhône', type: 'autorisation' },
      ]),
    );
    expect(march.groups).toHaveLength(3);
    expect(march.ungrouped).toBe(1);
    const introduction = group('75', 'introduction')!;
    // Introductions carry no APT dates: accepted with an unknown duration.
    expect(introduction.categories.unknownDuration).toMatchObject({ count: 1, dossiers: [link(33588, 2001)] });
    expect(introduction.categories.refused).toMatchObject({ count: 1, dossiers: [link(33588, 2002)] });
    expect(Object.keys(introduction.categories).sort()).toEqual(['refused', 'unknownDuration']);
  });

  it('counts APTs of 91 days and more, DST or not, and the 90-day ones apart, with exact median and 90th percentile', () => {
    const paris = group('75', 'autorisation')!;
    expect(paris.categories.more3Months).toEqual({
      count: 4,
      countries: { CHINE: 2, MAROC: 1, VIETNAM: 1 },
      dossiers: [link(14131, 1018), link(14131, 1001), link(14131, 1003), link(14131, 1002)],
      // Paris calendar days 5, 10, 21 and 168: median (10 + 21) / 2, p90 21 + 0.7 × (168 − 21).
      processingDays: { median: 15.5, p90: expect.closeTo(123.9, 9) },
    });
    expect(paris.categories.less3Months).toEqual({
      count: 2,
      countries: { INDE: 1, MAROC: 1 },
      dossiers: [link(14131, 1004), link(14131, 1020)],
      processingDays: { median: 6, p90: expect.closeTo(9.2, 9) },
    });
  });

  it('counts accepted dossiers with missing or malformed dates, and missing nationalities, as "non renseigné"', () => {
    const paris = group('75', 'autorisation')!;
    expect(paris.categories.unknownDuration).toMatchObject({
      count: 3,
      countries: { 'non renseigné': 2, ALGERIE: 1 },
      dossiers: [link(14131, 1005), link(14131, 1006), link(14131, 1007)],
    });
  });

  it('leaves dossiers without a usable dépôt date out of the processing time only', () => {
    const refused = group('75', 'autorisation')!.categories.refused!;
    expect(refused.count).toBe(6);
    expect(refused.countries).toEqual({ TUNISIE: 2, VIETNAM: 2, ALGERIE: 1, SENEGAL: 1 });
    expect(Object.keys(refused.countries)).toEqual(['TUNISIE', 'VIETNAM', 'ALGERIE', 'SENEGAL']);
    // 2, 4, 10 and 20 days: median 7, p90 10 + 0.7 × 10.
    expect(refused.processingDays).toEqual({ median: 7, p90: expect.closeTo(17, 9) });
  });

  it('lists each refused dossier with its number, Paris decision day and nationality, in link order', () => {
    const refused = group('75', 'autorisation')!.categories.refused!;
    expect(refused.decided).toHaveLength(refused.count);
    expect(refused.decided?.map((d) => d.url)).toEqual(refused.dossiers);
    expect(refused.decided?.[0]).toEqual({
      number: 1008,
      decidedOn: '2021-03-03',
      nationality: 'TUNISIE',
      url: refused.dossiers[0],
    });
    // Accepted categories do not carry the list.
    expect(group('75', 'autorisation')!.categories.more3Months?.decided).toBeUndefined();
  });

  it('finds the decision date in metadata or ds_data when the column is NULL or the 1970 placeholder', () => {
    const sansSuite = group('75', 'autorisation')!.categories.withoutContinuation!;
    expect(sansSuite.dossiers).toEqual([link(14131, 1014), link(14131, 1015), link(14131, 1021)]);
    const all = march.groups.flatMap((g) => Object.values(g.categories).flatMap((c) => c.dossiers));
    expect(all).not.toContain(link(14131, 1016));
    expect(all).not.toContain(link(14131, 1022));
  });
});
