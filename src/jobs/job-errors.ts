import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';

export class JobAlreadyRunningError extends DomainError {
  readonly status = HttpStatus.CONFLICT;

  constructor(readonly job: string) {
    super(`Job ${job} is already running`);
  }
}

export class UnknownJobError extends DomainError {
  readonly status = HttpStatus.NOT_FOUND;

  constructor(readonly job: string) {
    super(`Unknown job ${job}`);
  }
}

/** The instance is shutting down: it starts no more runs. */
export class ShuttingDownError extends DomainError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(readonly job: string) {
    super(`Job ${job} not started: the instance is shutting down`);
  }
}

/** Thrown between two batches by a job asked to stop: its run ends `interrupted`. */
export class JobInterruptedError extends Error {
  constructor() {
    super('Stopped between two batches: the instance is shutting down');
  }
}
