import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';

export class JobAlreadyRunningError extends DomainError {
  readonly status = HttpStatus.CONFLICT;

  constructor(readonly job: string) {
    super(`Job ${job} is already running`);
  }

  override get publicMessage(): string {
    return `La tâche ${this.job} est déjà en cours.`;
  }
}

export class UnknownJobError extends DomainError {
  readonly status = HttpStatus.NOT_FOUND;

  constructor(readonly job: string) {
    super(`Unknown job ${job}`);
  }

  override get publicMessage(): string {
    return `Tâche inconnue : ${this.job}.`;
  }
}

/** The instance is shutting down: it starts no more runs. */
export class ShuttingDownError extends DomainError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;

  constructor(readonly job: string) {
    super(`Job ${job} not started: the instance is shutting down`);
  }

  override get publicMessage(): string {
    return `La tâche ${this.job} n'a pas été lancée : le service s'arrête.`;
  }
}

/** Thrown between two batches by a job asked to stop: its run ends `interrupted`. */
export class JobInterruptedError extends Error {
  constructor() {
    super('Stopped between two batches: the instance is shutting down');
  }
}
