/**
 * Writes that run one after another, in the order given, while the caller goes on computing: at most one write is
 * in flight and the next page is read or evaluated meanwhile. A failed write is kept and surfaces at the next
 * `write` or at `drain`, never as an unhandled rejection, so a caller that stops early cannot crash the process.
 */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  /** Queues `work` after the writes already queued and returns at once. */
  enqueue(work: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  /** Waits for the write in flight (rethrowing its failure), then starts `work` without waiting for it. */
  async write(work: () => Promise<void>): Promise<void> {
    await this.drain();
    this.enqueue(work);
  }

  /** Waits until every queued write has ended; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }

  /** Waits until every queued write has ended, whatever their outcome (cleanup after a failure elsewhere). */
  settle(): Promise<void> {
    return this.tail;
  }
}
