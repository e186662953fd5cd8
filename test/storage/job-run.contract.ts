import { NewJobRun } from '../../src/jobs/job-run';
import { BackendRef } from './storage-backend';

const T0 = new Date('2021-06-01T04:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const newRun = (job: string, startedAt: Date, overrides: Partial<NewJobRun> = {}): NewJobRun => ({
  job,
  trigger: 'cron',
  params: { full: false },
  instance: 'host-a:1',
  startedAt,
  since: null,
  ...overrides,
});

export function jobRunContract(backend: BackendRef): void {
  describe('JobRunRepository', () => {
    const repo = () => backend().jobRuns;

    it('creates a running run with a UUID and finds it again', async () => {
      const run = await repo().create(
        newRun('validity-check', T0, { since: at(-10), params: { full: false, month: '2021-05' } }),
      );
      expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(run).toEqual({
        id: run.id,
        job: 'validity-check',
        status: 'running',
        trigger: 'cron',
        params: { full: false, month: '2021-05' },
        instance: 'host-a:1',
        startedAt: T0,
        finishedAt: null,
        since: at(-10),
        read: 0,
        written: 0,
        skipped: 0,
        failed: 0,
        skippedKeys: [],
        progressDone: 0,
        progressTotal: null,
        error: null,
      });
      expect(await repo().findById(run.id)).toEqual(run);
      expect(await repo().findById('00000000-0000-4000-8000-000000000000')).toBeNull();
    });

    it('updates only the fields given, and ignores an unknown run', async () => {
      const run = await repo().create(newRun('alert', T0));
      await repo().update(run.id, {
        read: 12,
        skippedKeys: [{ dsKey: '14131-1', reason: 'no Nom' }],
        progressTotal: 40,
      });
      await repo().update(run.id, { status: 'succeeded', finishedAt: at(3), progressDone: 40 });
      await repo().update('00000000-0000-4000-8000-000000000000', { status: 'failed' });

      expect(await repo().findById(run.id)).toMatchObject({
        status: 'succeeded',
        finishedAt: at(3),
        read: 12,
        written: 0,
        skippedKeys: [{ dsKey: '14131-1', reason: 'no Nom' }],
        progressDone: 40,
        progressTotal: 40,
        error: null,
      });
    });

    it('lists the most recent runs first, by job, up to a limit', async () => {
      for (const [job, minute] of [
        ['alert', 5],
        ['validity-check', 1],
        ['alert', 2],
        ['validity-check', 9],
        ['alert', 7],
      ] as const) {
        await repo().create(newRun(job, at(minute)));
      }
      const started = (runs: Array<{ startedAt: Date }>) =>
        runs.map((r) => (r.startedAt.getTime() - T0.getTime()) / 60_000);
      expect(started(await repo().list({ limit: 10 }))).toEqual([9, 7, 5, 2, 1]);
      expect(started(await repo().list({ job: 'alert', limit: 10 }))).toEqual([7, 5, 2]);
      expect(started(await repo().list({ job: 'alert', limit: 2 }))).toEqual([7, 5]);
      expect(await repo().list({ job: 'monthly-report', limit: 10 })).toEqual([]);
    });

    it("marks abandoned only the job's runs still running", async () => {
      const a = await repo().create(newRun('alert', at(1)));
      const b = await repo().create(newRun('alert', at(2)));
      const done = await repo().create(newRun('alert', at(3)));
      await repo().update(done.id, { status: 'succeeded', finishedAt: at(4) });
      const stopped = await repo().create(newRun('alert', at(5)));
      await repo().update(stopped.id, { status: 'interrupted', finishedAt: at(6), error: 'stopped by the shutdown' });
      const other = await repo().create(newRun('validity-check', at(1)));

      expect(await repo().abandonRunning('alert', at(10))).toBe(2);
      for (const id of [a.id, b.id]) {
        expect(await repo().findById(id)).toMatchObject({
          status: 'abandoned',
          finishedAt: at(10),
          error: 'The instance running it stopped before it finished',
        });
      }
      expect(await repo().findById(done.id)).toMatchObject({ status: 'succeeded', finishedAt: at(4), error: null });
      expect(await repo().findById(stopped.id)).toMatchObject({ status: 'interrupted', finishedAt: at(6) });
      expect(await repo().findById(other.id)).toMatchObject({ status: 'running' });
      expect(await repo().abandonRunning('alert', at(11))).toBe(0);
    });

    it('deletes the runs finished before an instant, never a running one', async () => {
      const finish = async (startedAt: Date, status: 'succeeded' | 'failed' | 'abandoned', finishedAt: Date) => {
        const run = await repo().create(newRun('alert', startedAt));
        await repo().update(run.id, { status, finishedAt });
        return run;
      };
      const old = await finish(at(0), 'succeeded', at(1));
      const oldFailed = await finish(at(0), 'failed', at(2));
      const oldAbandoned = await finish(at(0), 'abandoned', at(3));
      const atTheLimit = await finish(at(4), 'succeeded', at(10));
      const recent = await finish(at(9), 'succeeded', at(11));
      // Started long ago and still going (or its holder died unnoticed): it stays whatever its age.
      const running = await repo().create(newRun('validity-check', at(-1000)));

      expect(await repo().deleteFinishedBefore(at(10))).toBe(3);
      for (const run of [old, oldFailed, oldAbandoned]) expect(await repo().findById(run.id)).toBeNull();
      expect(await repo().findById(atTheLimit.id)).toMatchObject({ status: 'succeeded', finishedAt: at(10) });
      expect(await repo().findById(recent.id)).toMatchObject({ status: 'succeeded' });
      expect(await repo().findById(running.id)).toMatchObject({ status: 'running', finishedAt: null });
      expect(await repo().deleteFinishedBefore(at(10))).toBe(0);
    });
  });
}
