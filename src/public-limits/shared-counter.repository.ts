/** Hits to add to one counter; `windowMs` opens a new window when the counter has none running. */
export interface CounterDelta {
  key: string;
  hits: number;
  windowMs: number;
}

/** A counter's total across every replica, and when its window ends. */
export interface CounterState {
  key: string;
  count: number;
  expiresAt: Date;
}

export abstract class SharedCounterRepository {
  /** Adds the hits in one statement and returns every touched counter's new total. */
  abstract add(deltas: CounterDelta[], now: Date): Promise<CounterState[]>;
  /** The current totals of these counters (those that exist). */
  abstract read(keys: string[]): Promise<CounterState[]>;
  /** Forgets the counters whose window ended before `before`. */
  abstract deleteExpired(before: Date): Promise<number>;
}
