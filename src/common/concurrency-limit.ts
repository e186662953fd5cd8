import { HttpException, HttpStatus } from '@nestjs/common';

/** A 503 telling the client when to try again, for work this instance refuses to take on now. */
export class BusyError extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** At most `max` holders at once in this process; `tryAcquire` answers null rather than waiting. */
export class ConcurrencyLimit {
  private active = 0;

  constructor(private readonly max: number) {}

  /** A release function (idempotent), or null when every slot is taken. */
  tryAcquire(): (() => void) | null {
    if (this.active >= this.max) return null;
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }

  get inUse(): number {
    return this.active;
  }
}
