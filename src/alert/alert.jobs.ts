import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { JobRegistry } from '../jobs/job-registry';
import { AlertService } from './alert.service';

/** Raises and resolves alerts; incremental like validity checks, plus every open dossier each run. */
@Injectable()
export class AlertJob implements JobHandler, OnModuleInit {
  readonly name = 'alert';
  readonly incremental = true;

  constructor(
    private readonly registry: JobRegistry,
    private readonly service: AlertService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  run(context: JobContext): Promise<void> {
    return this.service.sync(context);
  }
}

/** Sends the queued alert mails. */
@Injectable()
export class AlertEmailJob implements JobHandler, OnModuleInit {
  readonly name = 'alert-email';
  readonly incremental = false;

  constructor(
    private readonly registry: JobRegistry,
    private readonly service: AlertService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async run(context: JobContext): Promise<void> {
    const { sent, blocked, retried, failed } = await this.service.deliverMails(context);
    context.read(sent + blocked + retried + failed);
    context.written(sent + blocked);
    context.failed(failed);
  }
}
