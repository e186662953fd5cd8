import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { Job } from '../jobs/job.decorator';
import { OutboxService } from './outbox.service';

/** Retries, for every kind of mail, the mails whose first attempt failed and whose retry time has come. */
@Job()
@Injectable()
export class MailOutboxJob implements JobHandler {
  readonly name = 'mail-outbox';
  readonly incremental = false;

  constructor(private readonly outbox: OutboxService) {}

  async run(ctx: JobContext): Promise<void> {
    const outcome = await this.outbox.deliverDue({ now: ctx.now, retriesOnly: true });
    ctx.read(outcome.sent + outcome.blocked + outcome.retried + outcome.failed);
    ctx.written(outcome.sent + outcome.blocked);
    ctx.failed(outcome.failed);
  }
}
