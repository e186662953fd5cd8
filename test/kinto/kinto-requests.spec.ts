import { Logger } from '@nestjs/common';
import { FixedClock } from '../../src/common/clock';
import { KintoJobRunRepository } from '../../src/jobs/job-run.kinto.repository';
import { bootstrapKinto } from '../../src/kinto/kinto-bootstrap.service';
import { KintoConnection } from '../../src/kinto/kinto-client.provider';
import { KintoJobLock, lockId } from '../../src/kinto/kinto-job-lock';
import { kintoId } from '../../src/kinto/kinto-records';
import { KintoValidityCheckRepository } from '../../src/validity-check/validity-check.kinto.repository';
import { silentLogger } from '../storage/kinto-backend';
import { check, introduction } from '../storage/validity-check.contract';
import { KintoDouble } from './kinto-double';

const AUTH = `Basic ${Buffer.from('wif:wif-secret').toString('base64')}`;
const RECORDS = '/v1/buckets/wif_public/collections/validity_checks/records';
const SYNCED = new Date('2021-06-01T04:00:00Z');

/** What the Kinto repositories send over HTTP, checked against Kinto's documented API. */
describe('Kinto repositories on the wire', () => {
  let double: KintoDouble;
  let kinto: KintoConnection;
  let checks: KintoValidityCheckRepository;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    kinto = new KintoConnection({
      url: double.url,
      user: 'wif',
      password: 'wif-secret',
      bucket: 'wif_public',
      timeoutMs: 5000,
      pageSize: 20,
    });
    await bootstrapKinto(kinto, silentLogger);
    checks = new KintoValidityCheckRepository(kinto);
  });
  afterAll(() => double?.close());
  beforeEach(() => {
    double.clearRecords();
    double.onRequest = null;
    double.clearRequests();
  });

  const batches = () => double.requests.filter((r) => r.method === 'POST' && r.path === '/v1/batch');

  it('authenticates every request with the service account (HTTP basic)', async () => {
    await checks.upsertMany([check(1)], SYNCED);
    await checks.findByDossierAndBirthDate(1, '1998-03-07');
    await checks.count();
    expect(double.requests.length).toBeGreaterThan(0);
    for (const request of double.requests) expect(request.headers.authorization).toBe(AUTH);
  });

  it('upserts with PUT by a deterministic id, in batches of at most 25, none addressing /batch', async () => {
    const many = Array.from({ length: 60 }, (_, i) => check(100 + i));
    await checks.upsertMany(many, SYNCED);

    // 60 checks, then their 60 keys.
    expect(batches().map((b) => (b.body as { requests: unknown[] }).requests.length)).toEqual([25, 25, 10, 25, 25, 10]);
    const subs = double.batchSubRequests();
    expect(subs).toHaveLength(120);
    expect(new Set(subs.map((s) => s.method))).toEqual(new Set(['PUT']));
    const lookup = checks.lookupId(100, '1998-03-07');
    expect(lookup).toMatch(/^vc_[0-9a-f]{40}$/);
    expect(subs[0].path).toBe(`/buckets/wif_public/collections/validity_checks/records/${lookup}`);
    expect(subs[60].path).toBe('/buckets/wif_public/collections/validity_keys/records/vk-14131-100');
    for (const sub of subs) {
      expect(sub.path).not.toMatch(/batch/i);
      // The credentials travel in the batch defaults, merged into each sub-request by the server.
      expect(sub.headers.authorization).toBe(AUTH);
      expect(sub.headers['if-match']).toBeUndefined();
    }
    expect(subs[0].body).toEqual({
      data: {
        id: lookup,
        ds_key: '14131-100',
        dossier_id: 100,
        type: 'autorisation',
        siret: '81234567800021',
        nom: '*g****',
        prenom: '*h* ***',
        date_de_naissance: '1998-03-07',
        date_de_debut_apt: '2020-09-21',
        date_de_fin_apt: '2021-06-30',
        fin_apt: '2021-06-30',
        champs: check(100).champs,
        hash: expect.stringMatching(/^[\w-]{22}$/),
      },
    });
    expect(subs[60].body).toEqual({
      data: {
        id: 'vk-14131-100',
        ds_key: '14131-100',
        check: lookup,
        hash: (subs[0].body as { data: { hash: string } }).data.hash,
        synced_at: SYNCED.getTime(),
        fin_apt: '2021-06-30',
      },
    });
  });

  it('writes nothing for unchanged checks, and moves a check whose birth date changed', async () => {
    await checks.upsertMany([check(1), check(2)], SYNCED);
    double.clearRequests();
    await checks.upsertMany([check(1), check(2)], new Date(SYNCED.getTime() + 3600_000));
    expect(double.requests.map((r) => r.method)).toEqual(['GET']);
    expect(double.requests[0].query.get('in_id')).toBe('"vk-14131-1","vk-14131-2"');

    double.clearRequests();
    await checks.upsertMany([check(1), check(2, { dateDeNaissance: '1998-03-08' })], SYNCED);
    expect(double.batchSubRequests().map((s) => [s.method, s.path.replace(/^.*\/collections\//, '')])).toEqual([
      ['PUT', `validity_checks/records/${checks.lookupId(2, '1998-03-08')}`],
      ['PUT', 'validity_keys/records/vk-14131-2'],
      ['DELETE', `validity_checks/records/${checks.lookupId(2, '1998-03-07')}`],
    ]);
    expect(await checks.findByDossierAndBirthDate(2, '1998-03-07')).toBeNull();
    expect(await checks.findByDossierAndBirthDate(2, '1998-03-08')).toMatchObject({ dsKey: '14131-2' });
  });

  it('keeps no birth date in any record id', async () => {
    await checks.upsertMany([check(4518237), introduction(4518238)], SYNCED);
    const ids = [
      ...double.storedRecords('wif_public', 'validity_checks'),
      ...double.storedRecords('wif_public', 'validity_keys'),
    ].map((r) => r.id);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).not.toMatch(/1998|03-?07/);
  });

  it('stores no fin_apt at all for an introduction, so that lt_fin_apt can never select it', async () => {
    await checks.upsertMany([introduction(7)], SYNCED);
    const [stored] = double.storedRecords('wif_public', 'validity_checks');
    expect(stored).not.toHaveProperty('fin_apt');
    const [key] = double.storedRecords('wif_public', 'validity_keys');
    expect(key).not.toHaveProperty('fin_apt');
  });

  it('answers the public check with one GET by id, whatever the number of checks', async () => {
    await checks.upsertMany([check(4518237)], SYNCED);
    double.clearRequests();

    await checks.findByDossierAndBirthDate(4518237, '1998-03-07');
    await checks.findByDossierAndBirthDate(4518237, '1998-03-08');

    expect(double.requests.map((r) => [r.method, r.path, [...r.query.keys()]])).toEqual([
      ['GET', `${RECORDS}/${checks.lookupId(4518237, '1998-03-07')}`, []],
      ['GET', `${RECORDS}/${checks.lookupId(4518237, '1998-03-08')}`, []],
    ]);
  });

  it('expires with an lt_fin_apt filter on the keys, then deletes what it read with If-Match, skipping a key rewritten meanwhile', async () => {
    await checks.upsertMany([check(1, { finApt: '2021-06-01' }), check(2, { finApt: '2021-06-02' })], SYNCED);
    double.clearRequests();
    // Another run rewrites check 2 between the read and the deletes: it must survive.
    double.onRequest = (request) => {
      if (request.path === '/v1/batch') {
        double.touchRecord('wif_public', 'validity_keys', 'vk-14131-2', { fin_apt: '2022-01-01' });
        double.onRequest = null;
      }
    };

    expect(await checks.deleteExpired('2021-06-30')).toBe(1);

    const [list] = double.requests;
    expect(list.method).toBe('GET');
    expect(list.path).toBe('/v1/buckets/wif_public/collections/validity_keys/records');
    expect(list.query.get('lt_fin_apt')).toBe('"2021-06-30"');
    const subs = double.batchSubRequests();
    expect(subs.map((s) => [s.method, s.path]).sort()).toEqual([
      ['DELETE', `/buckets/wif_public/collections/validity_checks/records/${checks.lookupId(1, '1998-03-07')}`],
      ['DELETE', '/buckets/wif_public/collections/validity_keys/records/vk-14131-1'],
      ['DELETE', '/buckets/wif_public/collections/validity_keys/records/vk-14131-2'],
    ]);
    for (const sub of subs.filter((s) => s.path.includes('/validity_keys/'))) {
      expect(sub.headers['if-match']).toMatch(/^"\d+"$/);
    }
    expect(await checks.findByDossierAndBirthDate(2, '1998-03-07')).not.toBeNull();
  });

  it('follows Next-Page until the filtered set is read', async () => {
    await checks.upsertMany(
      Array.from({ length: 45 }, (_, i) => check(200 + i)),
      SYNCED,
    );
    double.clearRequests();

    expect(await checks.deleteNotSyncedSince(new Date(SYNCED.getTime() + 1))).toBe(45);

    const gets = double.requests.filter((r) => r.method === 'GET' && r.path.includes('/validity_keys/'));
    expect(gets).toHaveLength(3);
    expect(gets[0].query.get('lt_synced_at')).toBe(String(SYNCED.getTime() + 1));
    expect(gets[0].query.get('_limit')).toBe('20');
    expect(gets[1].query.get('_token')).toBeTruthy();
    expect(gets[1].query.get('lt_synced_at')).toBe(String(SYNCED.getTime() + 1));
    expect(await checks.count()).toBe(0);
    expect(double.storedRecords('wif_public', 'validity_checks')).toEqual([]);
  });

  it('removes the checks stored before lookup ids (no hash) at the end of a full run', async () => {
    await checks.upsertMany([check(1)], SYNCED);
    double.grant('wif_public', null, 'read', 'system.Everyone');
    const legacy = await kinto.collection('validity_checks').updateRecord({ id: 'vc-14131-9', ds_key: '14131-9' });
    expect(legacy.data.id).toBe('vc-14131-9');
    await checks.deleteNotSyncedSince(SYNCED);
    expect(double.storedRecords('wif_public', 'validity_checks').map((r) => r.id)).toEqual([
      checks.lookupId(1, '1998-03-07'),
    ]);
  });

  it('counts with a HEAD request and the Total-Records header', async () => {
    await checks.upsertMany([check(1), check(2)], SYNCED);
    double.clearRequests();
    expect(await checks.count()).toBe(2);
    expect(double.requests.map((r) => [r.method, r.path])).toEqual([
      ['HEAD', '/v1/buckets/wif_public/collections/validity_keys/records'],
    ]);
  });

  it('takes, takes over and releases a job lock only by creating its next generation with If-None-Match: *', async () => {
    const clock = new FixedClock(new Date('2021-06-01T04:00:00Z'));
    const a = new KintoJobLock(kinto, clock, { ttlMs: 60_000, refreshMs: 30_000 });
    const b = new KintoJobLock(kinto, clock, { ttlMs: 60_000, refreshMs: 30_000 });
    const lockPath = (generation: number) =>
      `/v1/buckets/wif_public/collections/job_locks/records/${lockId('alert', generation)}`;
    const writes = () =>
      double.requests
        .filter((r) => r.method !== 'GET')
        .map((r) => [r.method, r.path, r.headers['if-none-match'], r.headers['if-match']]);

    const held = await a.tryAcquire('alert');
    expect(writes()).toEqual([['PUT', lockPath(1), '*', undefined]]);
    expect(double.storedRecord('wif_public', 'job_locks', 'lock-alert-1')).toMatchObject({
      job: 'alert',
      generation: 1,
      expires_at: clock.now().getTime() + 60_000,
    });

    double.clearRequests();
    clock.set(new Date('2021-06-01T04:01:00Z'));
    const taken = await b.tryAcquire('alert');
    expect(taken).not.toBeNull();
    expect(writes()).toEqual([
      ['PUT', lockPath(2), '*', undefined],
      ['DELETE', lockPath(1), undefined, undefined],
    ]);

    double.clearRequests();
    await held!.release();
    await taken!.release();
    // The old holder's release loses to the new lease; the new holder's creates generation 3, expired at once.
    expect(writes()).toEqual([
      ['PUT', lockPath(2), '*', undefined],
      ['PUT', lockPath(3), '*', undefined],
      ['DELETE', lockPath(2), undefined, undefined],
    ]);
    expect(double.storedRecords('wif_public', 'job_locks')).toEqual([
      expect.objectContaining({ id: 'lock-alert-3', holder: '', expires_at: 0 }),
    ]);
    expect(writes().some((w) => w[3] !== undefined)).toBe(false);
  });

  it('marks runs abandoned with If-Match, leaving alone a run its holder finished meanwhile', async () => {
    const runs = new KintoJobRunRepository(kinto);
    const stuck = await runs.create({
      job: 'alert',
      trigger: 'cron',
      params: {},
      instance: 'a:1',
      startedAt: SYNCED,
      since: null,
    });
    const finishing = await runs.create({
      job: 'alert',
      trigger: 'cron',
      params: {},
      instance: 'b:1',
      startedAt: SYNCED,
      since: null,
    });
    double.onRequest = (request) => {
      if (request.path === '/v1/batch') {
        double.touchRecord('wif_public', 'job_runs', finishing.id, { status: 'succeeded' });
        double.onRequest = null;
      }
    };

    expect(await runs.abandonRunning('alert', new Date(SYNCED.getTime() + 60_000))).toBe(1);
    expect(await runs.findById(stuck.id)).toMatchObject({ status: 'abandoned' });
    expect(await runs.findById(finishing.id)).toMatchObject({ status: 'succeeded' });
    const subs = double.batchSubRequests();
    expect(subs.map((s) => s.method)).toEqual(['PATCH', 'PATCH']);
    for (const sub of subs) expect(sub.headers['if-match']).toMatch(/^"\d+"$/);
  });
});

describe('Kinto record ids', () => {
  it('keeps readable keys readable and hashes the rest, never producing "batch"', () => {
    expect(kintoId('vc', '14131-4518237')).toBe('vc-14131-4518237');
    expect(kintoId('al', '14131-1', 'closedWithSupOneYear')).toBe('al-14131-1-closedWithSupOneYear');
    for (const key of ['batch', 'x/batch', 'BATCH-1', 'a b', 'é', '', 'a'.repeat(300), '../records']) {
      const id = kintoId('vc', key);
      expect(id).toMatch(/^vc_[0-9a-f]{40}$/);
      expect(id).not.toMatch(/batch/i);
    }
    expect(() => kintoId('batch', 'x')).toThrow();
    // Tuples that would join to the same text never share an id.
    expect(kintoId('al', 'a-b', 'c')).toBe('al-a-b-c');
    expect(kintoId('al', 'a', 'b-c')).toMatch(/^al_[0-9a-f]{40}$/);
    expect(kintoId('mr', 'x-y', 'z-w')).not.toBe(kintoId('mr', 'x', 'y-z-w'));
  });
});

describe('Kinto double (the documented batch limits)', () => {
  let double: KintoDouble;
  beforeAll(async () => {
    double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
  });
  afterAll(() => double?.close());

  const post = (body: unknown) =>
    fetch(`${double.url}/batch`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses more than 25 sub-requests and any sub-request path containing /batch, with a 400', async () => {
    const tooMany = await post({ requests: Array.from({ length: 26 }, () => ({ method: 'GET', path: '/' })) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ errno: 107, message: expect.stringContaining('limited to 25') });

    const recursive = await post({ requests: [{ method: 'GET', path: '/buckets/x/collections/batch/records' }] });
    expect(recursive.status).toBe(400);
    expect(await recursive.json()).toMatchObject({ message: expect.stringContaining('Recursive call on /batch') });
  });
});
