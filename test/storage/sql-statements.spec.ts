import { PgAlertRepository } from '../../src/alert/alert.pg.repository';
import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { PgDossierSourceRepository } from '../../src/dossier-source/dossier-source.pg.repository';
import { PgJobRunRepository } from '../../src/jobs/job-run.pg.repository';
import { PgOutboxRepository } from '../../src/mail/outbox.pg.repository';
import { PgDossierStatisticsRepository } from '../../src/monthly-report/dossier-statistics.pg.repository';
import { PgMonthlyReportRepository } from '../../src/monthly-report/monthly-report.pg.repository';
import { PgSharedCounterRepository } from '../../src/public-limits/shared-counter.pg.repository';
import { PgSynchroHistoryRepository } from '../../src/synchro-history/synchro-history.pg.repository';
import { CHAMPS_READ } from '../../src/validity-check/validity-check.rules';
import { PgValidityCheckRepository } from '../../src/validity-check/validity-check.pg.repository';
import { insertDossierRecords } from '../helpers/aggregator';
import { dossierRow } from '../helpers/dossier-row';
import { alert } from './alert.contract';
import { report } from './monthly-report.contract';
import { entry } from './outbox.contract';
import { check } from './validity-check.contract';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const AT = new Date('2021-06-01T04:00:00Z');

/**
 * The text of every statement the SQL repositories send, one snapshot per method, so that a change to a query (by
 * hand or through the schema it is derived from) shows in review as a change to the .snap file. Each method runs
 * against a real (embedded) database, so the statements are also known to be valid; parameters are not recorded.
 */
describe('SQL statements of the repositories', () => {
  const config = loadConfig({ DATA_DIR: '/nonexistent-test-data-dir' });
  let databases: Databases;
  let statements: string[] = [];

  beforeAll(async () => {
    databases = await Databases.open(config, {
      inMemory: true,
      logger: { logQuery: (query) => void statements.push(query) },
    });
    await databases.migrate();
  });
  afterAll(() => databases.close());

  /** The statements `run` sends, in order. */
  async function sent(run: () => Promise<unknown>): Promise<string[]> {
    statements = [];
    await run();
    return statements;
  }

  it('validity checks', async () => {
    const repo = new PgValidityCheckRepository(databases);
    expect(await sent(() => repo.upsertMany([check(1), check(2)], AT))).toMatchSnapshot('upsertMany');
    expect(await sent(() => repo.findByDossierAndBirthDate(1, '1998-03-07'))).toMatchSnapshot('lookup');
    expect(
      await sent(() =>
        Promise.all([repo.findByDossierAndBirthDate(1, '1998-03-07'), repo.findByDossierAndBirthDate(2, '1998-03-07')]),
      ),
    ).toMatchSnapshot('batched lookup');
    expect(await sent(() => repo.deleteByDsKeys(['14131-1']))).toMatchSnapshot('deleteByDsKeys');
    expect(await sent(() => repo.deleteNotSyncedSince(AT))).toMatchSnapshot('deleteNotSyncedSince');
    expect(await sent(() => repo.deleteExpired('2021-06-01'))).toMatchSnapshot('deleteExpired');
    expect(await sent(() => repo.count())).toMatchSnapshot('count');
  });

  it('alerts', async () => {
    const repo = new PgAlertRepository(databases);
    const a = alert('14131-1', 'receivedAndDelayTooLong');
    expect(await sent(() => repo.saveEvaluations([{ dsKey: a.dsKey, alerts: [a] }], AT))).toMatchSnapshot(
      'saveEvaluations',
    );
    const filter = { groupId: '75', alertType: a.alertType, status: 'open' as const };
    expect(await sent(() => repo.count(filter))).toMatchSnapshot('count');
    expect(await sent(() => repo.countOpenByType('75'))).toMatchSnapshot('countOpenByType');
    expect(await sent(() => repo.findPage(filter, 0, 10))).toMatchSnapshot('findPage');
    expect(await sent(() => repo.findAfter(filter, { dsKey: a.dsKey, alertType: 'a' }, 10))).toMatchSnapshot(
      'findAfter',
    );
    expect(await sent(() => repo.deleteAll())).toMatchSnapshot('deleteAll');
  });

  it('mail outbox', async () => {
    const repo = new PgOutboxRepository(databases);
    expect(await sent(() => repo.addIfAbsent([entry('alert:1')]))).toMatchSnapshot('addIfAbsent');
    const [queued] = await repo.findByDedupeKeys(['alert:1']);
    expect(
      await sent(() =>
        repo.findDue({
          now: AT,
          kinds: ['alert'],
          retriesOnly: true,
          after: { createdAt: AT, id: queued.id },
          limit: 10,
        }),
      ),
    ).toMatchSnapshot('findDue');
    expect(await sent(() => repo.findByDedupeKeys(['alert:1']))).toMatchSnapshot('findByDedupeKeys');
    expect(await sent(() => repo.countToSend(['alert']))).toMatchSnapshot('countToSend');
    expect(
      await sent(() => repo.recordFailure(queued.id, { attempts: 1, error: 'x', at: AT, nextAttemptAt: AT })),
    ).toMatchSnapshot('recordFailure');
    expect(await sent(() => repo.markSent(queued.id, '<id@test>', AT))).toMatchSnapshot('markSent');
    expect(await sent(() => repo.forgetContentProcessedBefore(AT))).toMatchSnapshot('forgetContentProcessedBefore');
  });

  it('monthly reports', async () => {
    const repo = new PgMonthlyReportRepository(databases);
    const paris = report(2021, 5, { id: '75', label: '75 - Paris', type: 'autorisation' }, 3);
    expect(await sent(() => repo.replaceMonth({ year: 2021, month: 5 }, [paris], AT))).toMatchSnapshot('replaceMonth');
    expect(await sent(() => repo.find({ year: 2021, month: 5 }, paris.group))).toMatchSnapshot('find');
    expect(await sent(() => repo.listMonth({ year: 2021, month: 5 }))).toMatchSnapshot('listMonth');
    expect(await sent(() => repo.yearTotals(2021))).toMatchSnapshot('yearTotals');
    const may = { year: 2021, month: 5 };
    expect(await sent(() => repo.findGroupFigures(paris.group, may, may))).toMatchSnapshot('findGroupFigures');
    expect(await sent(() => repo.countriesOfMonth(may, paris.group))).toMatchSnapshot('countriesOfMonth of a group');
    expect(await sent(() => repo.countriesOfMonth(may, null))).toMatchSnapshot('countriesOfMonth of all groups');
  });

  it('dossier source', async () => {
    await insertDossierRecords(databases, [dossierRow({ dossierId: 1 })]);
    const repo = new PgDossierSourceRepository(databases);
    const filter = { changedSince: AT, alsoInStates: ['initiated'] };
    expect(await sent(() => repo.count(filter))).toMatchSnapshot('count');
    const drain = async (fields: Parameters<typeof repo.stream>[2]) => {
      for await (const batch of repo.stream({ changedSince: null }, 100, fields)) void batch;
    };
    expect(
      await sent(() => drain({ champs: CHAMPS_READ, champsOnlyIfAptValidOn: '2021-06-01', messages: false })),
    ).toMatchSnapshot('stream for the validity checks');
    expect(await sent(() => drain({ champs: 'none', messages: true }))).toMatchSnapshot('stream for the alerts');
    expect(await sent(() => repo.listGroups())).toMatchSnapshot('listGroups');
  });

  it('job runs', async () => {
    const repo = new PgJobRunRepository(databases);
    const newRun = {
      job: 'alert',
      trigger: 'cron' as const,
      params: {},
      instance: 'host:1',
      startedAt: AT,
      since: null,
    };
    expect(await sent(() => repo.create(newRun))).toMatchSnapshot('create');
    const run = await repo.create(newRun);
    expect(await sent(() => repo.update(run.id, { read: 3, progressDone: 3 }))).toMatchSnapshot('update');
    expect(await sent(() => repo.findById(run.id))).toMatchSnapshot('findById');
    expect(await sent(() => repo.list({ job: 'alert', limit: 10 }))).toMatchSnapshot('list');
    expect(await sent(() => repo.abandonRunning('alert', AT))).toMatchSnapshot('abandonRunning');
    expect(await sent(() => repo.deleteFinishedBefore(AT))).toMatchSnapshot('deleteFinishedBefore');
  });

  it('synchro history', async () => {
    const repo = new PgSynchroHistoryRepository(databases);
    expect(await sent(() => repo.set('alert', AT))).toMatchSnapshot('set');
    expect(await sent(() => repo.get('alert'))).toMatchSnapshot('get');
  });

  it('dossier statistics', async () => {
    const repo = new PgDossierStatisticsRepository(databases, config);
    const drain = async () => {
      for await (const month of repo.decisionsByMonth({ year: 2021, month: 5 }, { year: 2021, month: 5 })) void month;
    };
    expect(await sent(drain)).toMatchSnapshot('decisionsByMonth');
  });

  it('public counters', async () => {
    const repo = new PgSharedCounterRepository(databases);
    expect(await sent(() => repo.add([{ key: 'client:192.0.2.1', hits: 2, windowMs: 60_000 }], AT))).toMatchSnapshot(
      'add',
    );
    expect(await sent(() => repo.read(['client:192.0.2.1']))).toMatchSnapshot('read');
    expect(await sent(() => repo.deleteExpired(AT))).toMatchSnapshot('deleteExpired');
  });
});
