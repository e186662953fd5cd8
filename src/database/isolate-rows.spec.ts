import { isRowError, rowErrorReason, writeIsolating } from './isolate-rows';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
// Drizzle wraps the driver's error with the query and its parameters.
const wrapped = (cause: Error) =>
  Object.assign(new Error('Failed query: INSERT … params: Dupont,1998-03-07'), { cause });

describe('writeIsolating', () => {
  const tooLong = pgError('22001', 'value too long for type character varying(255)');

  it('writes the batch in one call when it succeeds', async () => {
    const write = jest.fn((part: number[]) => Promise.resolve(part.length));
    expect(await writeIsolating([1, 2, 3], write, String, () => undefined)).toEqual([3]);
    expect(write).toHaveBeenCalledTimes(1);
  });

  it('halves a failed batch until the bad rows are alone, and writes every other row', async () => {
    const written: number[] = [];
    const rejected: Array<[string, string]> = [];
    await writeIsolating(
      Array.from({ length: 10 }, (_, i) => i),
      (part) => {
        if (part.includes(3) || part.includes(8)) return Promise.reject(wrapped(tooLong));
        written.push(...part);
        return Promise.resolve();
      },
      (n) => `key-${n}`,
      (key, reason) => rejected.push([key, reason]),
    );
    expect(written.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7, 9]);
    expect(rejected).toEqual([
      ['key-3', 'rejected by the database: 22001 value too long for type character varying(255)'],
      ['key-8', 'rejected by the database: 22001 value too long for type character varying(255)'],
    ]);
  });

  it('lets errors that are not about a row end the write at once (a lost connection is no bad row)', async () => {
    const write = jest.fn(() =>
      Promise.reject(pgError('57P01', 'terminating connection due to administrator command')),
    );
    await expect(writeIsolating([1, 2, 3, 4], write, String, () => undefined)).rejects.toThrow('terminating');
    expect(write).toHaveBeenCalledTimes(1);
    await expect(
      writeIsolating(
        [1],
        async () => Promise.reject(new Error('socket hang up')),
        String,
        () => undefined,
      ),
    ).rejects.toThrow('socket');
  });

  it('without a handler, changes nothing: the first error ends the write', async () => {
    await expect(
      writeIsolating([1, 2], async () => Promise.reject(wrapped(tooLong)), String, undefined),
    ).rejects.toThrow('Failed query');
  });
});

describe('rowErrorReason', () => {
  it('keeps the code and message, never a value the database quotes', () => {
    const error = wrapped(pgError('22007', 'invalid input syntax for type date: "Dupont 1900"'));
    expect(isRowError(error)).toBe(true);
    expect(rowErrorReason(error)).toBe('rejected by the database: 22007 invalid input syntax for type date: "…"');
    expect(rowErrorReason(error)).not.toContain('Dupont');
  });
});
