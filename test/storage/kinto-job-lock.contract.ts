import { FixedClock } from '../../src/common/clock';
import { KintoLockHandle } from '../../src/kinto/kinto-job-lock';
import { KintoBackend } from './kinto-backend';

const T0 = new Date('2021-06-01T04:00:00Z');
const TTL = 10 * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

/** What only a lease-based lock has to prove: a crashed holder does not block forever, and a live one keeps it. */
export function kintoJobLockContract(backend: () => KintoBackend): void {
  describe('KintoJobLock (lease)', () => {
    const options = { ttlMs: TTL, refreshMs: TTL / 5 };

    it('lets another instance take over a lock whose holder stopped refreshing it', async () => {
      const clock = new FixedClock(T0);
      const crashed = backend().newKintoLock(clock, options);
      const survivor = backend().newKintoLock(clock, options);
      const lost = (await crashed.tryAcquire('alert')) as KintoLockHandle;
      expect(lost).not.toBeNull();

      clock.set(at(TTL - 1));
      expect(await survivor.tryAcquire('alert')).toBeNull();

      clock.set(at(TTL));
      const taken = await survivor.tryAcquire('alert');
      expect(taken).not.toBeNull();

      // The old holder wakes up: it can neither extend nor delete the new holder's lock.
      expect(await lost.refresh()).toBe(false);
      await lost.release();
      expect(await backend().newKintoLock(clock, options).tryAcquire('alert')).toBeNull();
      await taken!.release();
      const again = await survivor.tryAcquire('alert');
      expect(again).not.toBeNull();
      await again!.release();
    });

    it('keeps the lock of a holder that refreshes it', async () => {
      const clock = new FixedClock(T0);
      const holder = (await backend().newKintoLock(clock, options).tryAcquire('monthly-report')) as KintoLockHandle;
      const other = backend().newKintoLock(clock, options);

      clock.set(at(TTL - 1));
      expect(await holder.refresh()).toBe(true);
      clock.set(at(TTL + 1));
      expect(await other.tryAcquire('monthly-report')).toBeNull();
      clock.set(at(2 * TTL - 1));
      const taken = await other.tryAcquire('monthly-report');
      expect(taken).not.toBeNull();
      await holder.release();
      await taken!.release();
    });

    it('gives an expired lock to exactly one of two instances racing for it', async () => {
      const clock = new FixedClock(T0);
      const dead = await backend().newKintoLock(clock, options).tryAcquire('validity-check');
      expect(dead).not.toBeNull();
      clock.set(at(TTL + 1));
      const racers = [backend().newKintoLock(clock, options), backend().newKintoLock(clock, options)];
      const handles = await Promise.all(racers.map((lock) => lock.tryAcquire('validity-check')));
      expect(handles.filter((h) => h !== null)).toHaveLength(1);
      await handles.find((h) => h !== null)!.release();
    });
  });
}
