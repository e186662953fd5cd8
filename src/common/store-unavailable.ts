import { HttpStatus } from '@nestjs/common';
import { DomainError } from './domain-error';

/**
 * The store holding the results does not answer (down, timed out, or answering 502–504). Requests that need it are
 * answered 503 with `Retry-After`; jobs fail and are retried at their next run.
 */
export class StoreUnavailableError extends DomainError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly retryAfterSeconds = 10;

  override get publicMessage(): string {
    return 'Service momentanément indisponible : merci de réessayer dans quelques instants.';
  }
}
