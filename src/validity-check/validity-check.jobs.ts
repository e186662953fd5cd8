import { Injectable } from '@nestjs/common';
import { Job } from '../jobs/job.decorator';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { ValidityCheckService } from './validity-check.service';

@Job()
@Injectable()
export class ValidityCheckJob implements JobHandler {
  readonly name = 'validity-check';
  readonly incremental = true;

  constructor(private readonly service: ValidityCheckService) {}

  run(context: JobContext): Promise<void> {
    return this.service.sync(context);
  }
}

@Job()
@Injectable()
export class ValidityCheckCleanerJob implements JobHandler {
  readonly name = 'validity-check-cleaner';
  readonly incremental = false;

  constructor(private readonly service: ValidityCheckService) {}

  run(context: JobContext): Promise<void> {
    return this.service.clean(context);
  }
}
