import { MultiBar, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number | null): void;
  stop(): void;
}

/** The bar on screen, if any: log lines go above it instead of through it. */
let active: MultiBar | null = null;

/**
 * Where the CLI's log lines go (stderr, since stdout holds the results). While a progress bar is drawn, a line is
 * handed to the bar, which prints it above itself at its next redraw; otherwise it is written at once.
 */
export const cliLogStream = {
  write(line: string): void {
    if (active) {
      active.log(line);
    } else {
      process.stderr.write(line);
    }
  },
};

/** A progress bar on a terminal; nothing when stderr is a pipe or a file (CI, logs). */
export function createProgress(label: string, terminal: NodeJS.WriteStream = process.stderr): Progress {
  if (!terminal.isTTY) return { update: () => undefined, stop: () => undefined };
  const bars = new MultiBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
    stream: terminal,
    hideCursor: true,
    clearOnComplete: false,
  });
  let bar: SingleBar | null = null;
  return {
    update(done, total) {
      const max = total ?? Math.max(done, 1);
      if (!bar) {
        bar = bars.create(max, done);
        active = bars;
      } else {
        bar.setTotal(max);
        bar.update(done);
      }
    },
    stop() {
      if (!bar) return;
      // A last redraw prints the lines logged since the previous one (stopping alone would drop them), above the
      // final bar.
      bars.update();
      bars.stop();
      if (active === bars) active = null;
      bar = null;
    },
  };
}
