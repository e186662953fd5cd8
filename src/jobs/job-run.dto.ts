import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, JobRun } from './job-run';

export class JobRunDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'validity-check' }) job!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
  @ApiProperty({ enum: ['cron', 'api', 'cli'] }) trigger!: string;
  @ApiProperty() params!: Record<string, unknown>;
  @ApiProperty() instance!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Start of the window read; null for a full run' })
  since!: string | null;
  @ApiProperty() counts!: { read: number; written: number; skipped: number; failed: number };
  @ApiProperty() progress!: { done: number; total: number | null };
  @ApiProperty({ description: 'Skipped dossiers with the reason (the first 1000)' })
  skipped!: Array<{ dsKey: string; reason: string }>;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export function toJobRunDto(run: JobRun): JobRunDto {
  return {
    id: run.id,
    job: run.job,
    status: run.status,
    trigger: run.trigger,
    params: run.params,
    instance: run.instance,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    since: run.since?.toISOString() ?? null,
    counts: { read: run.read, written: run.written, skipped: run.skipped, failed: run.failed },
    progress: { done: run.progressDone, total: run.progressTotal },
    skipped: run.skippedKeys,
    error: run.error,
  };
}
