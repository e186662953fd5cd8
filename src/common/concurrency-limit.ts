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

/**
 * At most `max` holders at once in this process. `tryAcquire` answers null rather than waiting (a request refused
 * with 503); `acquire` waits its turn (background work that must happen, later rather than never).
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<(release: () => void) => void> = [];

  constructor(private readonly max: number) {}

  /** A release function (idempotent), or null when every slot is taken. */
  tryAcquire(): (() => void) | null {
    if (this.active >= this.max) return null;
    this.active++;
    return this.slot();
  }

  /** A release function once a slot is free; waiters are served in order, before any later `tryAcquire`. */
  acquire(): Promise<() => void> {
    const release = this.tryAcquire();
    return release ? Promise.resolve(release) : new Promise((resolve) => this.waiting.push(resolve));
  }

  get inUse(): number {
    return this.active;
  }

  /** A released slot goes straight to the first waiter, so that a `tryAcquire` in between cannot take it. */
  private slot(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(this.slot());
      else this.active--;
    };
  }
}
