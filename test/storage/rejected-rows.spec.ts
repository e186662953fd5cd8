import { Databases } from '../../src/database/database';
import { sqlBackends } from '../helpers/sql-backends';
import { alert } from './alert.contract';
import { report } from './monthly-report.contract';
import { entry } from './outbox.contract';
import { postgresBackend } from './postgres-backend';
import { StorageBackend } from './storage-backend';
import { check } from './validity-check.contract';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const AT = new Date('2021-06-01T04:00:00Z');
const TOO_LONG = 'x'.repeat(300);
const VALUE_TOO_LONG = /^rejected by the database: 22001 value too long for type character varying\(\d+\)$/;

/**
 * The rules keep over-long values out, but anything they did not foresee must cost one row, not the batch: the SQL
 * stores write every other row and report the refused one with the database's reason, and no value of it.
 */
describe.each(sqlBackends('rejected_rows'))('batched writes leave out the rows %s refuses', (_, open) => {
  let databases: Databases;
  let cleanup: () => Promise<void>;
  let store: StorageBackend;
  let rejected: Array<[string, string]>;
  const reject = (key: string, reason: string) => void rejected.push([key, reason]);

  beforeAll(async () => {
    ({ databases, cleanup } = await open());
    await databases.migrate();
    store = postgresBackend('sql', databases, false);
  });
  afterAll(() => cleanup());
  beforeEach(async () => {
    rejected = [];
    await store.reset();
  });

  it('validity checks', async () => {
    const checks = Array.from({ length: 9 }, (_, i) => check(800001 + i));
    checks[4] = check(800005, { nom: TOO_LONG });
    checks[7] = check(800008, { siret: TOO_LONG });
    await store.validityChecks.upsertMany(checks, AT, reject);

    expect(rejected.map(([key]) => key)).toEqual(['14131-800005', '14131-800008']);
    for (const [, reason] of rejected) expect(reason).toMatch(VALUE_TOO_LONG);
    expect(await store.validityChecks.count()).toBe(7);
    expect(await store.validityChecks.findByDossierAndBirthDate(800009, '1998-03-07')).not.toBeNull();
  });

  it('validity checks: without a handler the failure still ends the write', async () => {
    await expect(store.validityChecks.upsertMany([check(1), check(2, { nom: TOO_LONG })], AT)).rejects.toThrow();
  });

  it('alerts', async () => {
    const ok = alert('14131-100001', 'receivedAndDelayTooLong');
    const bad = alert('14131-100002', 'receivedAndDelayTooLong', {
      group: { id: TOO_LONG, type: 'autorisation', label: '' },
    });
    const other = alert('14131-100003', 'initiatedAndDelayTooLong', { state: 'initiated' });
    const outcome = await store.alerts.saveEvaluations(
      [ok, bad, other].map((a) => ({ dsKey: a.dsKey, alerts: [a] })),
      AT,
      reject,
    );

    expect(outcome).toEqual({ changed: 2, resolved: 0 });
    expect(rejected).toEqual([['14131-100002', expect.stringMatching(VALUE_TOO_LONG)]]);
    expect((await store.alerts.findPage({}, 0, 10)).map((a) => a.dsKey)).toEqual(['14131-100001', '14131-100003']);
  });

  it('outbox entries', async () => {
    const created = await store.outbox.addIfAbsent(
      [entry('alert:a'), entry(`alert:${TOO_LONG.repeat(2)}`), entry('alert:c')],
      reject,
    );

    expect(created.sort()).toEqual(['alert:a', 'alert:c']);
    expect(rejected).toEqual([[`alert:${TOO_LONG.repeat(2)}`, expect.stringMatching(VALUE_TOO_LONG)]]);
  });

  it('monthly reports, inside the month transaction', async () => {
    const good = report(2021, 5, { id: '75', label: '75 - Paris', type: 'autorisation' }, 3);
    const bad = report(2021, 5, { id: TOO_LONG, label: 'Trop long', type: 'autorisation' }, 1);
    const last = report(2021, 5, { id: '69', label: '69 - Rhône', type: 'autorisation' }, 2);
    await store.monthlyReports.replaceMonth({ year: 2021, month: 5 }, [good, bad, last], AT, reject);

    expect(rejected).toEqual([[`${TOO_LONG}/autorisation`, expect.stringMatching(VALUE_TOO_LONG)]]);
    const stored = await store.monthlyReports.listMonth({ year: 2021, month: 5 });
    expect(stored.map((r) => r.group.id).sort()).toEqual(['69', '75']);
  });
});
