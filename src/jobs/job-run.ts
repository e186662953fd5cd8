/** Every job, by name: a job is declared once, with `@OnJob({ name })` on the service method that runs it. */
export const JOB_NAMES = [
  'validity-check',
  'validity-check-cleaner',
  'alert',
  'alert-email',
  'monthly-report',
  'alert-digest',
  'mail-outbox',
  'ds-import',
  'retention',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Jobs whose module is loaded only when their source is configured (`ds-import`: SOURCE=ds-api). */
export const OPTIONAL_JOBS: readonly JobName[] = ['ds-import'];

export const isJobName = (value: string): value is JobName => (JOB_NAMES as readonly string[]).includes(value);

/** `interrupted`: stopped at a batch boundary because the instance shut down; its window is covered again. */
export const JOB_STATUSES = ['running', 'succeeded', 'failed', 'abandoned', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobTrigger = 'cron' | 'api' | 'cli';

export interface JobCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
}

export interface SkippedDossier {
  dsKey: string;
  reason: string;
}

/** One run of a job, as stored and as answered by the admin API. */
export interface JobRun extends JobCounts {
  id: string;
  job: string;
  status: JobStatus;
  trigger: JobTrigger;
  params: Record<string, unknown>;
  instance: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Start of the window read (watermark minus overlap); null for a full run. */
  since: Date | null;
  skippedKeys: SkippedDossier[];
  progressDone: number;
  progressTotal: number | null;
  error: string | null;
}

export type NewJobRun = Pick<JobRun, 'job' | 'trigger' | 'params' | 'instance' | 'startedAt' | 'since'>;
export type JobRunUpdate = Partial<
  Pick<
    JobRun,
    | 'status'
    | 'finishedAt'
    | 'read'
    | 'written'
    | 'skipped'
    | 'failed'
    | 'skippedKeys'
    | 'progressDone'
    | 'progressTotal'
    | 'error'
  >
>;
