import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { JobRegistry } from '../jobs/job-registry';
import { ALERT_DIGEST_JOB, AlertDigestService } from './alert-digest.service';

@Injectable()
export class AlertDigestJob implements JobHandler, OnModuleInit {
  readonly name = ALERT_DIGEST_JOB;
  // The window comes from the job's own watermark, without the overlap incremental jobs get.
  readonly incremental = false;

  constructor(
    private readonly registry: JobRegistry,
    private readonly service: AlertDigestService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  run(context: JobContext): Promise<void> {
    return this.service.send(context);
  }
}
