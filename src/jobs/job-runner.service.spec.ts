import { FixedClock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SynchroHistoryRepository } from '../synchro-history/synchro-history.repository';
import { SynchroHistoryService } from '../synchro-history/synchro-history.service';
import { JobHandler } from './job-handler';
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
