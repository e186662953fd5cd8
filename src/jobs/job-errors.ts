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
