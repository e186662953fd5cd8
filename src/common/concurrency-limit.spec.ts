import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('gives at most max slots, and a slot back once per release', () => {
    const limit = new ConcurrencyLimit(2);
    const a = limit.tryAcquire();
    const b = limit.tryAcquire();
    expect(a && b).toBeTruthy();
    expect(limit.tryAcquire()).toBeNull();
    a!();
    a!();
    expect(limit.inUse).toBe(1);
    expect(limit.tryAcquire()).not.toBeNull();
    expect(limit.tryAcquire()).toBeNull();
  });

  it('makes acquire wait for a release, serves waiters in order, and keeps their slots from tryAcquire', async () => {
    const limit = new ConcurrencyLimit(1);
    const first = limit.tryAcquire()!;
    const order: string[] = [];
    const second = limit.acquire().then((release) => (order.push('second'), release));
    const third = limit.acquire().then((release) => (order.push('third'), release));
    await Promise.resolve();
    expect(order).toEqual([]);

    first();
    const releaseSecond = await second;
    expect(order).toEqual(['second']);
    // The slot went to the waiter: nothing is free for a request that will not wait.
    expect(limit.tryAcquire()).toBeNull();
    expect(limit.inUse).toBe(1);

    releaseSecond();
    releaseSecond();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(limit.inUse).toBe(0);
    expect(limit.tryAcquire()).not.toBeNull();
  });
});
