import { Logger } from '@nestjs/common';
import { FixedClock } from '../../src/common/clock';
import { StoreUnavailableError } from '../../src/common/store-unavailable';
import { bootstrapKinto } from '../../src/kinto/kinto-bootstrap.service';
import { KintoConnection } from '../../src/kinto/kinto-client.provider';
import { KintoJobLock, lockId } from '../../src/kinto/kinto-job-lock';
import { KintoValidityCheckRepository } from '../../src/validity-check/validity-check.kinto.repository';
import { silentLogger } from '../storage/kinto-backend';
import { check } from '../storage/validity-check.contract';
import { KintoDouble } from './kinto-double';

const BUCKET = 'wif_public';
const NOW = new Date('2021-06-01T04:00:00Z');
const LEASE = { ttlMs: 30_000, refreshMs: 10_000 };

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!probe()) throw new Error('condition not met');
}

/** What a real Kinto does that a polite test double would not: outages, stalls, restarts on an empty backend. */
describe('Kinto faults (double)', () => {
  let double: KintoDouble;
  let kinto: KintoConnection;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    // A short deadline, so that a stalled server makes requests time out quickly.
    kinto = new KintoConnection({
      url: double.url,
      user: 'wif',
      password: 'wif-secret',
      bucket: BUCKET,
      timeoutMs: 300,
      pageSize: 20,
    });
    await bootstrapKinto(kinto, silentLogger);
  });
  afterAll(() => double?.close());
  beforeEach(() => {
    double.resume();
    double.onRequest = null;
    double.clearRecords();
  });

  it('reports an unreachable server as StoreUnavailableError (503 to clients), and works again once it is back', async () => {
    const checks = new KintoValidityCheckRepository(kinto);
    await checks.upsertMany([check(1)], NOW);
    double.stop();
    await expect(checks.findByDossierAndBirthDate(1, '1998-03-07')).rejects.toBeInstanceOf(StoreUnavailableError);
    double.resume();
    expect(await checks.findByDossierAndBirthDate(1, '1998-03-07')).toEqual(check(1));
  });

  it('never rejects a lock release, even with the server down; the lease left behind expires', async () => {
    const clock = new FixedClock(NOW);
    const held = await new KintoJobLock(kinto, clock, LEASE).tryAcquire('alert');
    expect(held).not.toBeNull();
    double.stop();
    await expect(held!.release()).resolves.toBeUndefined();
    await expect(held!.refresh()).resolves.toBe(false);
    double.resume();
    const other = new KintoJobLock(kinto, clock, LEASE);
    expect(await other.tryAcquire('alert')).toBeNull();
    clock.set(new Date(NOW.getTime() + LEASE.ttlMs));
    expect(await other.tryAcquire('alert')).not.toBeNull();
  });

  it('cleans up a lease whose creation timed out but was carried out when the server resumed', async () => {
    const clock = new FixedClock(NOW);
    const a = new KintoJobLock(kinto, clock, LEASE);
    const b = new KintoJobLock(kinto, clock, LEASE);
    // The lease's creation is held past the client's deadline, then carried out: a lease nobody holds.
    let release: () => void = () => undefined;
    double.onRequest = (request) => {
      if (request.method !== 'PUT' || !request.path.includes('/job_locks/')) return;
      double.onRequest = null;
      return new Promise<void>((resolve) => (release = resolve));
    };
    await expect(a.tryAcquire('validity-check')).rejects.toThrow('the lock request failed or got no answer from Kinto');
    release();
    await until(() => double.storedRecord(BUCKET, 'job_locks', lockId('validity-check', 1)) !== undefined);
    expect(await b.tryAcquire('validity-check')).toBeNull();

    // A's next lock request first settles what it left unanswered: the orphan lease is released.
    const other = await a.tryAcquire('alert');
    expect(double.storedRecord(BUCKET, 'job_locks', lockId('validity-check', 2))).toMatchObject({ expires_at: 0 });
    const taken = await b.tryAcquire('validity-check');
    expect(taken).not.toBeNull();
    await other!.release();
    await taken!.release();
  });

  it('gives its jobs back when the instance stops, instead of blocking them for the rest of the lease', async () => {
    const clock = new FixedClock(NOW);
    const stopping = new KintoJobLock(kinto, clock, LEASE);
    expect(await stopping.tryAcquire('monthly-report')).not.toBeNull();
    expect(await stopping.tryAcquire('alert')).not.toBeNull();
    await stopping.onApplicationShutdown();
    const next = new KintoJobLock(kinto, clock, LEASE);
    expect(await next.tryAcquire('monthly-report')).not.toBeNull();
    expect(await next.tryAcquire('alert')).not.toBeNull();
  });

  it('creates the bucket and collections again when the server restarted empty', async () => {
    const checks = new KintoValidityCheckRepository(kinto);
    await checks.upsertMany([check(1)], NOW);
    double.wipe();
    // A read finds the bucket gone, re-creates it and answers from the (empty) collection.
    expect(await checks.findByDossierAndBirthDate(1, '1998-03-07')).toBeNull();
    expect(double.permissionsOf(BUCKET)).toBeDefined();
    double.wipe();
    await checks.upsertMany([check(2)], NOW);
    expect(await checks.findByDossierAndBirthDate(2, '1998-03-07')).toEqual(check(2));
    double.wipe();
    expect(await checks.count()).toBe(0);
    const lock = new KintoJobLock(kinto, new FixedClock(NOW), LEASE);
    double.wipe();
    expect(await lock.tryAcquire('alert')).not.toBeNull();
  });
});
