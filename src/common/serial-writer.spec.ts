import { readAhead } from './read-ahead';
import { SerialWriter } from './serial-writer';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A write that ends when the test says so. */
function heldWrite(log: string[], name: string) {
  let finish!: (error?: Error) => void;
  const work = () =>
    new Promise<void>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = (error) => (error ? reject(error) : (log.push(`end ${name}`), resolve()));
    });
  return { work, finish: (error?: Error) => finish(error) };
}

describe('SerialWriter', () => {
  it('keeps one write in flight: the next waits for it, the caller does not wait for the next', async () => {
    const log: string[] = [];
    const writer = new SerialWriter();
    const a = heldWrite(log, 'a');
    const b = heldWrite(log, 'b');
    await writer.write(a.work);
    let secondQueued = false;
    void writer.write(b.work).then(() => (secondQueued = true));
    await nextTurn();
    expect(log).toEqual(['start a']);
    expect(secondQueued).toBe(false);
    a.finish();
    await nextTurn();
    expect(secondQueued).toBe(true);
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.finish();
    await writer.drain();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('surfaces a failed write at the next write or at drain, never as an unhandled rejection', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const writer = new SerialWriter();
      await writer.write(() => Promise.reject(new Error('store gone')));
      await nextTurn();
      await expect(writer.write(() => Promise.resolve())).rejects.toThrow('store gone');
      await expect(writer.drain()).rejects.toThrow('store gone');
      await expect(writer.settle()).resolves.toBeUndefined();
      await nextTurn();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('readAhead', () => {
  it('reads the next page while the caller handles the current one', async () => {
    const reads: number[] = [];
    const read = (n: number) => {
      reads.push(n);
      return Promise.resolve(n);
    };
    const seen: Array<[number, number[]]> = [];
    for await (const page of readAhead(
      () => read(1),
      (page) => (page < 3 ? read(page + 1) : null),
    )) {
      seen.push([page, [...reads]]);
    }
    // When page 1 reaches the caller, page 2 is already asked for.
    expect(seen).toEqual([
      [1, [1, 2]],
      [2, [1, 2, 3]],
      [3, [1, 2, 3]],
    ]);
  });

  it('leaves no unhandled rejection when the caller stops before a failed read ahead', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      for await (const page of readAhead(
        () => Promise.resolve(1),
        () => Promise.reject(new Error('connection lost')),
      )) {
        expect(page).toBe(1);
        break;
      }
      await nextTurn();
      await nextTurn();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
