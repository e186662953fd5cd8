/** Waiting between retries, injected so that tests check the waits without spending them. */
export abstract class Pause {
  abstract wait(ms: number): Promise<void>;
}

export class TimerPause extends Pause {
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
