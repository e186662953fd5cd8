/**
 * Yields pages, reading the next one while the caller handles the current one: the database round trip overlaps
 * the caller's work. `next` gives the read of the page after `page`, or null at the end. A read started ahead and
 * never consumed (the caller stopped early or failed) is settled quietly, never left as an unhandled rejection.
 */
export async function* readAhead<P>(first: () => Promise<P>, next: (page: P) => Promise<P> | null): AsyncGenerator<P> {
  let pending: Promise<P> | null = first();
  try {
    while (pending) {
      const page: P = await pending;
      pending = next(page);
      pending?.catch(() => undefined);
      yield page;
    }
  } finally {
    pending?.catch(() => undefined);
  }
}
