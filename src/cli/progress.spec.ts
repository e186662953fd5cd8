import { cliLogStream, createProgress } from './progress';

/** Just enough of a terminal for cli-progress: what was written, in order. */
function fakeTerminal() {
  const written: string[] = [];
  const terminal = {
    isTTY: true,
    columns: 80,
    write: (s: string) => void written.push(s),
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
  };
  return { terminal: terminal as unknown as NodeJS.WriteStream, written };
}

describe('CLI progress bar and log lines', () => {
  it('prints a log line written while the bar is shown once, above the bar, never through stderr directly', () => {
    const { terminal, written } = fakeTerminal();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const progress = createProgress('alert', terminal);
      progress.update(1, 10);
      cliLogStream.write('WARN: skipped 75-123\n');
      progress.update(5, 10);
      progress.stop();
      expect(stderr).not.toHaveBeenCalled();
      expect(written.filter((s) => s.includes('skipped 75-123'))).toHaveLength(1);
      // The line comes first, and the bar is drawn again below it.
      const line = written.findIndex((s) => s.includes('skipped 75-123'));
      expect(written.slice(line + 1).some((s) => s.includes('alert ['))).toBe(true);

      // Without a bar, lines go straight to stderr.
      cliLogStream.write('INFO: done\n');
      expect(stderr).toHaveBeenCalledWith('INFO: done\n');
    } finally {
      stderr.mockRestore();
    }
  });

  it('draws nothing when stderr is not a terminal', () => {
    const { terminal, written } = fakeTerminal();
    (terminal as { isTTY: boolean }).isTTY = false;
    const progress = createProgress('alert', terminal);
    progress.update(1, 10);
    progress.stop();
    expect(written).toEqual([]);
  });
});
