import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { Job } from '../jobs/job.decorator';
import { ALERT_DIGEST_JOB, AlertDigestService } from './alert-digest.service';

@Job()
@Injectable()
export class AlertDigestJob implements JobHandler {
  readonly name = ALERT_DIGEST_JOB;
  // The window comes from the job's own watermark, without the overlap incremental jobs get.
  readonly incremental = false;

  constructor(private readonly service: AlertDigestService) {}

  run(context: JobContext): Promise<void> {
    return this.service.send(context);
  }
}
