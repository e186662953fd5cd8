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
});
