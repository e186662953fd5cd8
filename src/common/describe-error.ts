interface DatabaseErrorLike {
  code: string;
  message: string;
}

const isDatabaseError = (value: unknown): value is DatabaseErrorLike =>
  value instanceof Error && typeof (value as { code?: unknown }).code === 'string';

/**
 * An error as it may be logged and stored: its class, the database code and the database's own message, never the
 * query nor its parameters. The query builder wraps a driver error in one whose message is the query text and its
 * parameters, i.e. the dossier's personal data: the driver error is taken from its `cause` instead. Data exceptions
 * (SQLSTATE class 22) quote the rejected value after a colon: that part is cut off.
 */
export function describeError(error: unknown): string {
  const causes: unknown[] = [];
  for (let e: unknown = error; e instanceof Error && causes.length < 5; e = e.cause) causes.push(e);
  const database = causes.find(isDatabaseError);
  const outer = error instanceof Error ? error.constructor.name : typeof error;
  if (database) {
    const message = database.code.startsWith('22') ? database.message.split(':')[0] : database.message;
    const kind = database.constructor.name === outer ? outer : `${outer}/${database.constructor.name}`;
    return `${kind} ${database.code}: ${message}`;
  }
  if (!(error instanceof Error)) return 'non-error value thrown';
  // Without a database error, a wrapper's message is its cause's, or a query: keep the innermost message.
  const innermost = causes[causes.length - 1] as Error;
  if (/^Failed query:/.test(innermost.message)) return `${outer}: query failed`;
  return `${outer}: ${innermost.message}`;
}

/** The stack frames of an error, without its message (which may carry a query and its parameters). */
export function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length ? frames.join('\n') : undefined;
}
