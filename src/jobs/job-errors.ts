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
