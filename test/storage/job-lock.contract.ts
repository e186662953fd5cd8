import { FixedClock } from '../../src/common/clock';
import { BackendRef } from './storage-backend';

const NOW = new Date('2021-06-01T04:00:00Z');

export function jobLockContract(backend: BackendRef): void {
  describe('JobLock', () => {
    it('lets one holder run a job at a time, each job independently', async () => {
      const lock = backend().newLock(new FixedClock(NOW));
      const held = await lock.tryAcquire('validity-check');
      expect(held).not.toBeNull();
      expect(await lock.tryAcquire('validity-check')).toBeNull();

      const other = await lock.tryAcquire('alert');
      expect(other).not.toBeNull();
      await other!.release();

      await held!.release();
      const again = await lock.tryAcquire('validity-check');
      expect(again).not.toBeNull();
      await again!.release();
    });

    it('never lets two instances hold the same job, even when they race', async () => {
      if (!backend().separateInstances) return;
      const clock = new FixedClock(NOW);
      const [a, b] = [backend().newLock(clock), backend().newLock(clock)];
      const [first, second] = await Promise.all([a.tryAcquire('alert'), b.tryAcquire('alert')]);
      expect([first, second].filter((h) => h !== null)).toHaveLength(1);
      const winner = first ?? second;
      const loser = first ? b : a;
      expect(await loser.tryAcquire('alert')).toBeNull();

      await winner!.release();
      const taken = await loser.tryAcquire('alert');
      expect(taken).not.toBeNull();
      expect(await (first ? a : b).tryAcquire('alert')).toBeNull();
      await taken!.release();
    });
  });
}
