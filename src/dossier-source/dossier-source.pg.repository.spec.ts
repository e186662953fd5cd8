import { insertDossierRecords } from '../../test/helpers/aggregator';
import { dossierRow } from '../../test/helpers/dossier-row';
import { sqlBackends } from '../../test/helpers/sql-backends';
import { DossierRecordRow } from './aggregator-row';
import { DossierBatch, DossierFields, DossierFilter } from './dossier-source.repository';
import { PgDossierSourceRepository } from './dossier-source.pg.repository';

// PGlite loads parts of itself with dynamic `import()`, which jest's module sandbox refuses without
// --experimental-vm-modules: hand the application Node's own copy of the module instead.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const CHANGED_AFTER = '2021-06-01T00:00:00Z';

/**
 * 23 dossiers, numbered 1000 to 1022 so that key order is number order: every third one changed after
 * CHANGED_AFTER, 1005 and 1017 still open, 1010 without a usable dossier number, 1020 an autorisation whose APT
 * ended in 2020.
 */
function dataset(): DossierRecordRow[] {
  return Array.from({ length: 23 }, (_, i) => {
    const dossierId = 1000 + i;
    const row = dossierRow({
      dossierId,
      state: dossierId === 1005 || dossierId === 1017 ? 'received' : 'closed',
      lastModified: i % 3 === 0 ? '2021-06-02T10:00:00Z' : '2021-05-01T10:00:00Z',
      annotations: dossierId === 1020 ? { 'Date de fin APT': '2020-12-31' } : {},
      messages: [{ email: 'usager@example.com', createdAt: '2021-05-02T10:00:00Z' }],
    });
    if (dossierId === 1010) {
      row.ds_key = '14131-abc';
      (row.ds_data as Record<string, unknown>).id = null;
    }
    return row;
  });
}

const keysOf = (batch: DossierBatch) => [...batch.dossiers.map((d) => d.dsKey), ...batch.broken.map((b) => b.dsKey)];

const backends = sqlBackends('dossier_source');

describe.each(backends)('dossier source stream (%s)', (_name, open) => {
  let cleanup: () => Promise<void>;
  let source: PgDossierSourceRepository;

  beforeAll(async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    await opened.databases.migrate();
    await insertDossierRecords(opened.databases, dataset());
    source = new PgDossierSourceRepository(opened.databases);
  });
  afterAll(() => cleanup?.());

  async function read(filter: DossierFilter, size: number, fields?: DossierFields): Promise<DossierBatch[]> {
    const batches: DossierBatch[] = [];
    for await (const batch of source.stream(filter, size, fields)) batches.push(batch);
    return batches;
  }

  const all: DossierFilter = { changedSince: null };
  const expectedKeys = dataset()
    .map((r) => r.ds_key)
    .filter((k) => k !== '14131-abc');

  it.each([1, 5, 23, 100])('reads every row once, in key order, in pages of %i', async (size) => {
    const batches = await read(all, size);
    const dossiers = batches.flatMap((b) => b.dossiers.map((d) => d.dsKey));
    expect(dossiers).toEqual(expectedKeys);
    expect(batches.flatMap((b) => b.broken)).toEqual([
      { dsKey: '14131-abc', reason: 'no usable dossier number in ds_data.id or ds_key' },
    ]);
    // Full pages but the last, and never an empty one.
    const sizes = batches.map((b) => keysOf(b).length);
    expect(sizes.slice(0, -1).every((n) => n === size)).toBe(true);
    expect(sizes.at(-1)).toBe(23 - size * (batches.length - 1));
    expect(sizes.at(-1)).toBeGreaterThan(0);
  });

  it('ends without an empty page when the rows fill the last page exactly', async () => {
    const batches = await read(all, 23);
    expect(batches.map((b) => keysOf(b).length)).toEqual([23]);
  });

  it('matches the count, with the changed rows and the open ones when asked', async () => {
    const changed: DossierFilter = { changedSince: new Date(CHANGED_AFTER) };
    const changedKeys = (await read(changed, 2)).flatMap(keysOf);
    expect(changedKeys).toEqual([
      '14131-1000',
      '14131-1003',
      '14131-1006',
      '14131-1009',
      '14131-1012',
      '14131-1015',
      '14131-1018',
      '14131-1021',
    ]);
    expect(await source.count(changed)).toBe(8);

    const withOpen: DossierFilter = { ...changed, alsoInStates: ['received'] };
    const keys = (await read(withOpen, 3)).flatMap(keysOf);
    expect(keys).toEqual([...changedKeys, '14131-1005', '14131-1017'].sort());
    expect(await source.count(withOpen)).toBe(10);

    const open = (await read({ changedSince: null, states: ['received'] }, 1)).flatMap(keysOf);
    expect(open).toEqual(['14131-1005', '14131-1017']);
  });

  it('reads only the asked fields: the listed champs, messages when asked, public champs of possibly valid APTs', async () => {
    const [page] = await read(all, 100, { champs: ['Nom'], messages: false });
    const first = page.dossiers[0];
    expect(first.champs).toEqual([{ libelle: 'Nom', value: 'Nguyen' }]);
    expect(first.champsPrivate.map((c) => c.libelle)).toEqual(['Date de début APT', 'Date de fin APT']);
    expect(first.messages).toEqual([]);

    const [withMessages] = await read(all, 100, { champs: 'none', messages: true });
    expect(withMessages.dossiers[0].champs).toEqual([]);
    expect(withMessages.dossiers[0].messages).toEqual([
      { email: 'usager@example.com', createdAt: new Date('2021-05-02T10:00:00Z') },
    ]);

    const [onlyValid] = await read(all, 100, { champs: 'all', messages: false, champsOnlyIfAptValidOn: '2021-01-01' });
    const champsOf = (key: string) => onlyValid.dossiers.find((d) => d.dsKey === key)?.champs.length;
    expect(champsOf('14131-1000')).toBe(8);
    // Ended the day before: its public champs stay in the database. Still open: same.
    expect(champsOf('14131-1020')).toBe(0);
    expect(champsOf('14131-1005')).toBe(0);
  });

  it('lets a consumer stop after the first page', async () => {
    const seen: string[] = [];
    for await (const batch of source.stream(all, 4)) {
      seen.push(...keysOf(batch));
      break;
    }
    expect(seen).toEqual(expectedKeys.slice(0, 4));
    // The source is still usable afterwards: no connection was left busy.
    expect(await source.count(all)).toBe(23);
  });
});
