import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { KINTO_ID, KintoConnection } from '../kinto/kinto-client.provider';
import { KintoRecords, Stored } from '../kinto/kinto-records';
import { JobRun, JobRunUpdate, JobStatus, JobTrigger, NewJobRun, SkippedDossier } from './job-run';
import { JobRunRepository } from './job-run.repository';

/** A record of `job_runs`; instants are epoch ms so that the server can sort and filter on them. */
interface JobRunRecord {
  job: string;
  status: JobStatus;
  trigger: JobTrigger;
  params: Record<string, unknown>;
  instance: string;
  started_at: number;
  finished_at: number | null;
  since: number | null;
  read: number;
  written: number;
  skipped: number;
  failed: number;
  skipped_keys: SkippedDossier[];
  progress_done: number;
  progress_total: number | null;
  error: string | null;
}

const ms = (date: Date | null) => (date ? date.getTime() : null);
const date = (value: number | null) => (value === null ? null : new Date(value));

const toJobRun = (r: Stored<JobRunRecord>): JobRun => ({
  id: r.id,
  job: r.job,
  status: r.status,
  trigger: r.trigger,
  params: r.params,
  instance: r.instance,
  startedAt: new Date(r.started_at),
  finishedAt: date(r.finished_at),
  since: date(r.since),
  read: r.read,
  written: r.written,
  skipped: r.skipped,
  failed: r.failed,
  skippedKeys: r.skipped_keys,
  progressDone: r.progress_done,
  progressTotal: r.progress_total,
  error: r.error,
});

function toChanges(changes: JobRunUpdate): Partial<JobRunRecord> {
  const out: Partial<JobRunRecord> = {};
  if (changes.status !== undefined) out.status = changes.status;
  if (changes.finishedAt !== undefined) out.finished_at = ms(changes.finishedAt);
  if (changes.read !== undefined) out.read = changes.read;
  if (changes.written !== undefined) out.written = changes.written;
  if (changes.skipped !== undefined) out.skipped = changes.skipped;
  if (changes.failed !== undefined) out.failed = changes.failed;
  if (changes.skippedKeys !== undefined) out.skipped_keys = changes.skippedKeys;
  if (changes.progressDone !== undefined) out.progress_done = changes.progressDone;
  if (changes.progressTotal !== undefined) out.progress_total = changes.progressTotal;
  if (changes.error !== undefined) out.error = changes.error;
  return out;
}

@Injectable()
export class KintoJobRunRepository extends JobRunRepository {
  private readonly records: KintoRecords<JobRunRecord>;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'job_runs');
  }

  /** A random UUID, as on PostgreSQL (the admin API only accepts UUIDs); `If-None-Match: *` so it never overwrites. */
  async create(run: NewJobRun): Promise<JobRun> {
    const id = randomUUID();
    const stored = await this.records.create(id, {
      job: run.job,
      status: 'running',
      trigger: run.trigger,
      params: run.params,
      instance: run.instance,
      started_at: run.startedAt.getTime(),
      finished_at: null,
      since: ms(run.since),
      read: 0,
      written: 0,
      skipped: 0,
      failed: 0,
      skipped_keys: [],
      progress_done: 0,
      progress_total: null,
      error: null,
    });
    if (!stored) throw new Error(`job run id ${id} already taken`);
    return toJobRun(stored);
  }

  /** A run is written by the one instance running it: a PATCH without precondition; a missing run is ignored. */
  async update(id: string, changes: JobRunUpdate): Promise<void> {
    if (!KINTO_ID.test(id)) return;
    await this.records.patch(id, toChanges(changes));
  }

  async findById(id: string): Promise<JobRun | null> {
    if (!KINTO_ID.test(id) || /batch/i.test(id)) return null;
    const record = await this.records.get(id);
    return record ? toJobRun(record) : null;
  }

  async list({ job, limit }: { job?: string; limit: number }): Promise<JobRun[]> {
    const records = await this.records.first(limit, { filters: job ? { job } : {}, sort: ['-started_at'] });
    return records.map(toJobRun);
  }

  /**
   * Each with `If-Match` on the version read: a run that its (slow, not dead) holder finished in between keeps its
   * real outcome, and is not counted.
   */
  async abandonRunning(job: string, at: Date): Promise<number> {
    const running = await this.records.all({ filters: { job, status: 'running' }, fields: ['job'] });
    const changes = toChanges({
      status: 'abandoned',
      finishedAt: at,
      error: 'The instance running it stopped before it finished',
    });
    const statuses = await this.records.batch(
      running.map((r) => ({ method: 'PATCH', id: r.id, data: changes, ifMatch: r.last_modified })),
      [404, 412],
    );
    return statuses.filter((s) => s === 200).length;
  }

  /**
   * Lists the finished runs (ids and versions only), then deletes each with `If-Match` on the version read. The
   * status filter matters: a running run's `finished_at` is a JSON null, which Kinto's comparisons put below every
   * number, so `lt_finished_at` alone would select it.
   */
  async deleteFinishedBefore(before: Date): Promise<number> {
    const finished = await this.records.all({
      filters: { not_status: 'running', lt_finished_at: before.getTime() },
      fields: ['job'],
    });
    const statuses = await this.records.batch(
      finished.map((r) => ({ method: 'DELETE', id: r.id, ifMatch: r.last_modified })),
      [404, 412],
    );
    return statuses.filter((s) => s === 200).length;
  }
}
