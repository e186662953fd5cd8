import { FixedClock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { SynchroHistoryService } from '../synchro-history/synchro-history.service';
import { JobContext, JobHandler } from './job-handler';
import { JobLock } from './job-lock';
import { JobRegistry } from './job-registry';
import { JobRun, JobRunUpdate, NewJobRun } from './job-run';
import { JobRunRepository } from './job-run.repository';
import { JobRunner } from './job-runner.service';

const NOW = new Date('2021-06-30T10:00:00Z');

/** Run records in memory, whose progress-only writes (no status) stay pending until the test lets them through. */
class HeldProgressRuns extends JobRunRepository {
  readonly stored = new Map<string, JobRun>();
  readonly held: Array<() => void> = [];

  create(run: NewJobRun): Promise<JobRun> {
    const stored: JobRun = {
      ...run,
      id: `run-${this.stored.size + 1}`,
      status: 'running',
      finishedAt: null,
      read: 0,
      written: 0,
      skipped: 0,
      failed: 0,
      skippedKeys: [],
      progressDone: 0,
      progressTotal: null,
      error: null,
    };
    this.stored.set(stored.id, stored);
    return Promise.resolve(stored);
  }

  update(id: string, changes: JobRunUpdate): Promise<void> {
    // The counts are the ones of the moment the write was issued, as a real database round trip would carry them.
    const apply = ((snapshot: JobRunUpdate) => () => {
      this.stored.set(id, { ...(this.stored.get(id) as JobRun), ...snapshot });
    })(structuredClone(changes));
    if (changes.status) {
      apply();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.held.push(() => resolve(apply())));
  }

  findById(id: string): Promise<JobRun | null> {
    return Promise.resolve(this.stored.get(id) ?? null);
  }

  list(): Promise<JobRun[]> {
    return Promise.resolve([...this.stored.values()]);
  }

  abandonRunning(): Promise<number> {
    return Promise.resolve(0);
  }

  deleteFinishedBefore(): Promise<number> {
    return Promise.resolve(0);
  }
}

class MemoryHistory extends SynchroHistoryRepository {
  readonly marks = new Map<string, Date>();
  get(job: string): Promise<Date | null> {
    return Promise.resolve(this.marks.get(job) ?? null);
  }
  set(job: string, at: Date): Promise<void> {
    this.marks.set(job, at);
    return Promise.resolve();
  }
}

describe('JobRunner progress writes', () => {
  it('lets no progress write land after the final state, nor run past the end of the run', async () => {
    const runs = new HeldProgressRuns();
    const handler: JobHandler = {
      name: 'validity-check',
      incremental: true,
      run: (ctx) => {
        ctx.setTotal(3); // the first progress write: read 0, held by the repository
        ctx.read(3);
        ctx.written(2);
        ctx.advance(3);
        return Promise.resolve();
      },
    } as JobHandler;
    const registry = { get: () => handler } as unknown as JobRegistry;
    const lock: JobLock = { tryAcquire: () => Promise.resolve({ release: () => Promise.resolve() }) };
    const runner = new JobRunner(
      registry,
      lock,
      runs,
      new SynchroHistoryService(new MemoryHistory()),
      new FixedClock(NOW),
      {
        syncOverlapMs: 600_000,
      } as AppConfig,
    );

    const { run, done } = await runner.start('validity-check', { trigger: 'cli' });
    let settled = false;
    void done.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The run waits for its progress write before it writes its final state and ends.
    expect(runs.held).toHaveLength(1);
    expect(settled).toBe(false);
    expect(runs.stored.get(run.id)?.status).toBe('running');

    runs.held[0]();
    const finished = await done;
    expect(finished).toMatchObject({ status: 'succeeded', read: 3, written: 2, progressDone: 3, progressTotal: 3 });
    expect(runs.stored.get(run.id)).toMatchObject({ status: 'succeeded', read: 3, written: 2 });
  });
});

function runnerWith(handler: Partial<JobHandler>, lock: JobLock, runs = new HeldProgressRuns(), graceMs = 20_000) {
  const history = new MemoryHistory();
  const job = { name: 'validity-check', incremental: true, schedule: null, ...handler } as JobHandler;
  const registry = { get: () => job } as unknown as JobRegistry;
  const config = { syncOverlapMs: 600_000, shutdownGraceMs: graceMs } as AppConfig;
  return {
    runner: new JobRunner(registry, lock, runs, new SynchroHistoryService(history), new FixedClock(NOW), config),
    runs,
    history,
  };
}

/** A lock that counts its releases; `failing` makes every release reject, as when the store went away. */
function countingLock(failing = false) {
  const state = { held: false, releases: 0 };
  const lock: JobLock = {
    tryAcquire: () => {
      if (state.held) return Promise.resolve(null);
      state.held = true;
      return Promise.resolve({
        release: () => {
          state.releases += 1;
          if (failing) return Promise.reject(new Error('Connection terminated unexpectedly'));
          state.held = false;
          return Promise.resolve();
        },
      });
    },
  };
  return { lock, state };
}

describe('JobRunner and a store that goes away', () => {
  it('logs a lock release that rejects: the run settles, and nothing is left unhandled', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { lock, state } = countingLock(true);
      const { runner } = runnerWith({ run: () => Promise.resolve() }, lock);
      const { done } = await runner.start('validity-check', { trigger: 'api' });
      await expect(done).resolves.toMatchObject({ status: 'succeeded' });
      // A failing job too: its lock release rejects the same way.
      const other = runnerWith({ run: () => Promise.reject(new Error('boom')) }, countingLock(true).lock);
      await expect(other.runner.runToEnd('validity-check', { trigger: 'api' })).resolves.toMatchObject({
        status: 'failed',
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(state.releases).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('JobRunner at shutdown', () => {
  /** A job of endless batches that checks between two of them, as every job does. */
  const endless = (batches: { count: number }) => ({
    run: async (ctx: JobContext) => {
      for (;;) {
        ctx.read(10);
        ctx.written(10);
        batches.count += 1;
        await ctx.betweenBatches();
      }
    },
  });

  it('stops a run at the end of its batch: interrupted, lock released, watermark untouched, no new start', async () => {
    const batches = { count: 0 };
    const { lock, state } = countingLock();
    const { runner, runs, history } = runnerWith(endless(batches), lock);
    const { run, done } = await runner.start('validity-check', { trigger: 'cron' });
    while (batches.count < 3) await new Promise((resolve) => setImmediate(resolve));

    await runner.beforeApplicationShutdown();
    for (const release of runs.held) release();
    const ended = await done;
    expect(ended).toMatchObject({ status: 'interrupted', read: batches.count * 10 });
    expect(ended.error).toMatch(/shutdown/);
    expect(runs.stored.get(run.id)?.status).toBe('interrupted');
    expect(state).toEqual({ held: false, releases: 1 });
    expect(history.marks.size).toBe(0);
    await expect(runner.start('validity-check', { trigger: 'cron' })).rejects.toThrow(/shutting down/);
  });

  it('records interrupted and releases the lock of a run that does not stop within the grace', async () => {
    let finish!: () => void;
    const { lock, state } = countingLock();
    const stuck = { run: () => new Promise<void>((resolve) => (finish = resolve)) };
    const { runner, runs, history } = runnerWith(stuck, lock, new HeldProgressRuns(), 0);
    const { run, done } = await runner.start('validity-check', { trigger: 'cron' });

    await runner.beforeApplicationShutdown();
    expect(runs.stored.get(run.id)?.status).toBe('interrupted');
    expect(state).toEqual({ held: false, releases: 1 });
    // The job ending later changes nothing: not succeeded, no watermark, no second release.
    finish();
    await expect(done).resolves.toMatchObject({ status: 'interrupted' });
    expect(history.marks.size).toBe(0);
    expect(state.releases).toBe(1);
  });
});
