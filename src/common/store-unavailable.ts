/**
 * The store holding the results does not answer (down, timed out, or answering 502–504). Requests that need it are
 * answered 503 with `Retry-After`; jobs fail and are retried at their next run.
 */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds = 10;
}
