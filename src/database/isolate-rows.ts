/**
 * Told of each row a batched write had to leave out: its key (a dossier key, a mail's dedupe key, a report's group)
 * and the database's reason, never the row's values.
 */
export type RejectHandler = (key: string, reason: string) => void;

/**
 * SQLSTATE classes of errors caused by the data of a row: 22 data exception (a value too long, out of range, an
 * invalid date or character), 23 integrity constraint violation, 54 program limit exceeded (an index row too large).
 * Any other error (a lost connection, a server stopping) concerns the whole batch and ends the write as before.
 */
const ROW_CLASSES = new Set(['22', '23', '54']);

interface PgErrorLike {
  code: string;
  message: string;
}

/** The database error behind `error`, however many wrappers deep (Drizzle wraps it with the query and params). */
function pgError(error: unknown): PgErrorLike | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof message === 'string') {
      return { code, message };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** True when the error comes from the data of some row, so that another split of the batch may succeed. */
export function isRowError(error: unknown): boolean {
  const found = pgError(error);
  return found !== null && ROW_CLASSES.has(found.code.slice(0, 2));
}

/**
 * The database's reason without any value from the row: PostgreSQL quotes the offending input in some messages
 * (`invalid input syntax for type date: "…"`), and a dossier's values are personal data.
 */
export function rowErrorReason(error: unknown): string {
  const found = pgError(error);
  if (!found) return 'rejected by the database';
  const message = found.message.replace(/"(?:[^"]|"")*"/g, '"…"').slice(0, 200);
  return `rejected by the database: ${found.code} ${message}`;
}

/**
 * Writes `items` with `write`, in one call when it succeeds. When it fails because of some row, the batch is halved
 * until the rows at fault are alone: each is left out and reported to `reject` with the database's reason, and every
 * other row is written. k bad rows among n cost about 2k·log2(n) extra writes, so a healthy batch costs nothing and a
 * batch with one bad row of 2,000 about 22 statements. Without `reject` (a caller that cannot report) nothing changes:
 * the first error ends the write.
 */
export async function writeIsolating<T, R>(
  items: T[],
  write: (part: T[]) => Promise<R>,
  keyOf: (item: T) => string,
  reject: RejectHandler | undefined,
): Promise<R[]> {
  if (items.length === 0) return [];
  try {
    return [await write(items)];
  } catch (error) {
    if (!reject || !isRowError(error)) throw error;
    if (items.length === 1) {
      reject(keyOf(items[0]), rowErrorReason(error));
      return [];
    }
    const half = Math.ceil(items.length / 2);
    const first = await writeIsolating(items.slice(0, half), write, keyOf, reject);
    const second = await writeIsolating(items.slice(half), write, keyOf, reject);
    return [...first, ...second];
  }
}
