import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number | null): void;
  stop(): void;
}

/** A progress bar on a terminal; nothing when the output is a pipe or a file (CI, logs). */
export function createProgress(label: string): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(done, total) {
      const max = total ?? Math.max(done, 1);
      if (!started) {
        bar.start(max, done);
        started = true;
      } else {
        bar.setTotal(max);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
