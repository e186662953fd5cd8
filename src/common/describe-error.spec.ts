import { describeError, stackFrames } from './describe-error';

/** The driver's error: a SQLSTATE code and the server's message. */
class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The query builder's wrapper: the query and its parameters as message, the driver error as cause. */
class DrizzleQueryError extends Error {
  constructor(query: string, params: unknown[], cause: Error) {
    super(`Failed query: ${query}\nparams: ${params.join(',')}`, { cause });
  }
}

describe('describeError', () => {
  it('keeps the class, the database code and message, never the query nor its parameters', () => {
    const error = new DrizzleQueryError(
      'insert into "validity_check" ("nom", "siret") values ($1, $2)',
      ['Zorglubovitch', '73282932000074'],
      new DatabaseError('new row for relation "validity_check" violates check constraint "c"', '23514'),
    );
    const described = describeError(error);
    expect(described).toBe(
      'DrizzleQueryError/DatabaseError 23514: new row for relation "validity_check" violates check constraint "c"',
    );
    expect(stackFrames(error)).not.toContain('Zorglubovitch');
  });

  it('cuts the rejected value out of a data exception', () => {
    const error = new DatabaseError('invalid input syntax for type date: "1987-13-45"', '22007');
    expect(describeError(error)).toBe('DatabaseError 22007: invalid input syntax for type date');
  });

  it('keeps the message of an application error, and never a wrapped query', () => {
    expect(describeError(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(describeError(new Error('Failed query: select $1\nparams: Zorglubovitch'))).toBe('Error: query failed');
    expect(describeError('a string')).toBe('non-error value thrown');
  });
});
