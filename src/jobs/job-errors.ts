export class JobAlreadyRunningError extends Error {
  constructor(readonly job: string) {
    super(`Job ${job} is already running`);
  }
}

export class UnknownJobError extends Error {
  constructor(readonly job: string) {
    super(`Unknown job ${job}`);
  }
}

/** The instance is shutting down: it starts no more runs. */
export class ShuttingDownError extends Error {
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
