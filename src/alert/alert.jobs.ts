import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { Job } from '../jobs/job.decorator';
import { AlertService } from './alert.service';

/** Raises and resolves alerts; incremental like validity checks, plus every open dossier each run. */
@Job()
@Injectable()
export class AlertJob implements JobHandler {
  readonly name = 'alert';
  readonly incremental = true;

  constructor(private readonly service: AlertService) {}

  run(context: JobContext): Promise<void> {
    return this.service.sync(context);
  }
}

/** Sends the queued alert mails. */
@Job()
@Injectable()
export class AlertEmailJob implements JobHandler {
  readonly name = 'alert-email';
  readonly incremental = false;

  constructor(private readonly service: AlertService) {}

  async run(context: JobContext): Promise<void> {
    const { sent, blocked, retried, failed } = await this.service.deliverMails(context);
    context.read(sent + blocked + retried + failed);
    context.written(sent + blocked);
    context.failed(failed);
  }
}
