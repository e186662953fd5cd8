import { Injectable } from '@nestjs/common';
import { UnknownJobError } from './job-errors';
import { JobHandler } from './job-handler';

/** Jobs register themselves here when their module starts, so the runner, the API and the CLI know them by name. */
@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler>();

  register(handler: JobHandler): void {
    this.handlers.set(handler.name, handler);
  }

  get(name: string): JobHandler {
    const handler = this.handlers.get(name);
    if (!handler) throw new UnknownJobError(name);
    return handler;
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}
