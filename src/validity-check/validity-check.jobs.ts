import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { JobRegistry } from '../jobs/job-registry';
import { ValidityCheckService } from './validity-check.service';

@Injectable()
export class ValidityCheckJob implements JobHandler, OnModuleInit {
  readonly name = 'validity-check';
  readonly incremental = true;

  constructor(
    private readonly registry: JobRegistry,
    private readonly service: ValidityCheckService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  run(context: JobContext): Promise<void> {
    return this.service.sync(context);
  }
}

@Injectable()
export class ValidityCheckCleanerJob implements JobHandler, OnModuleInit {
  readonly name = 'validity-check-cleaner';
  readonly incremental = false;

  constructor(
    private readonly registry: JobRegistry,
    private readonly service: ValidityCheckService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  run(context: JobContext): Promise<void> {
    return this.service.clean(context);
  }
}
