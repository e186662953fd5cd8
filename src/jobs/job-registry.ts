import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { UnknownJobError } from './job-errors';
import { Job } from './job.decorator';
import { JobHandler } from './job-handler';

/** Every `@Job()` provider, by name, so the runner, the API, the schedule and the CLI know them. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: Job.KEY })) {
      const handler = wrapper.instance as JobHandler | undefined;
      if (handler) this.handlers.set(handler.name, handler);
    }
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
