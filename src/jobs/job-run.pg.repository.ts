import { Injectable } from '@nestjs/common';
import { and, desc, eq, lt, ne } from 'drizzle-orm';
import { Databases } from '../database/database';
import { jobRun } from '../database/schema';
import { JobRun, JobRunUpdate, JobStatus, JobTrigger, NewJobRun } from './job-run';
import { JobRunRepository } from './job-run.repository';

type Row = typeof jobRun.$inferSelect;

const toJobRun = (row: Row): JobRun => ({
  ...row,
  status: row.status as JobStatus,
  trigger: row.trigger as JobTrigger,
});

@Injectable()
export class PgJobRunRepository extends JobRunRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async create(run: NewJobRun): Promise<JobRun> {
    const [row] = await this.databases.main
      .insert(jobRun)
      .values({ ...run, status: 'running', skippedKeys: [] })
      .returning();
    return toJobRun(row);
  }

  async update(id: string, changes: JobRunUpdate): Promise<void> {
    await this.databases.main.update(jobRun).set(changes).where(eq(jobRun.id, id));
  }

  async findById(id: string): Promise<JobRun | null> {
    const [row] = await this.databases.main.select().from(jobRun).where(eq(jobRun.id, id));
    return row ? toJobRun(row) : null;
  }

  async list({ job, limit }: { job?: string; limit: number }): Promise<JobRun[]> {
    const rows = await this.databases.main
      .select()
      .from(jobRun)
      .where(job ? eq(jobRun.job, job) : undefined)
      .orderBy(desc(jobRun.startedAt))
      .limit(limit);
    return rows.map(toJobRun);
  }

  async abandonRunning(job: string, at: Date): Promise<number> {
    const rows = await this.databases.main
      .update(jobRun)
      .set({ status: 'abandoned', finishedAt: at, error: 'The instance running it stopped before it finished' })
      .where(and(eq(jobRun.job, job), eq(jobRun.status, 'running')))
      .returning({ id: jobRun.id });
    return rows.length;
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    const rows = await this.databases.main
      .delete(jobRun)
      .where(and(ne(jobRun.status, 'running'), lt(jobRun.finishedAt, before)))
      .returning({ id: jobRun.id });
    return rows.length;
  }
}
