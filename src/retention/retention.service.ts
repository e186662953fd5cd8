import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobContext } from '../jobs/job-handler';
import { JobRunsService } from '../jobs/job-runs.service';
import { OnJob } from '../jobs/job.decorator';
import { OutboxService } from '../mail/outbox.service';

const DAY_MS = 86_400_000;

/**
 * Keeps personal data no longer than it serves: job runs (their skipped dossier keys) go after
 * JOB_RUN_RETENTION_DAYS, and finished mails lose their recipients and content after MAIL_RETENTION_DAYS. A mail's
 * dedupe key and state stay, so that nobody is ever mailed twice.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly runs: JobRunsService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  @OnJob({ name: 'retention', schedule: 'retention' })
  async forgetOldData(ctx: JobContext): Promise<void> {
    const { jobRunDays, mailDays } = this.config.retention;
    const runsBefore = new Date(ctx.now.getTime() - jobRunDays * DAY_MS);
    const deleted = await this.runs.deleteRunsFinishedBefore(runsBefore);
    ctx.written(deleted);
    ctx.logger.log(`deleted ${deleted} job run(s) finished before ${runsBefore.toISOString()}`);
    await ctx.betweenBatches();

    const mailsBefore = new Date(ctx.now.getTime() - mailDays * DAY_MS);
    const emptied = await this.outbox.forgetContentProcessedBefore(mailsBefore);
    ctx.written(emptied);
    ctx.logger.log(`emptied ${emptied} mail(s) processed before ${mailsBefore.toISOString()}`);
  }
}
