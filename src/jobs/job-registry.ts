import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { UnknownJobError } from './job-errors';
import { JobHandler } from './job-handler';
import { JOB_NAMES, JobName, OPTIONAL_JOBS } from './job-run';
import { OnJob } from './job.decorator';

/**
 * Every `@OnJob()` method, by name, so the runner, the API, the schedule and the CLI know them. A job declared
 * twice, or a job name without its method, stops the start: better than a job that silently never runs.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const options = this.discovery.getMetadataByDecorator(OnJob, wrapper, method);
        if (!options) continue;
        if (!(JOB_NAMES as readonly string[]).includes(options.name)) throw new UnknownJobError(options.name);
        const existing = this.handlers.get(options.name);
        if (existing) throw new Error(`Job ${options.name} is declared twice (${wrapper.name}.${method})`);
        const run = (instance[method] as JobHandler['run']).bind(instance);
        this.handlers.set(options.name, {
          name: options.name,
          incremental: options.incremental ?? false,
          schedule: options.schedule ?? null,
          run,
        });
      }
    }
    const missing = JOB_NAMES.filter((name) => !this.handlers.has(name) && !OPTIONAL_JOBS.includes(name));
    if (missing.length) throw new Error(`No @OnJob method for job(s): ${missing.join(', ')}`);
  }

  /** The job of that name; `UnknownJobError` for a name that comes from outside (API, CLI) and is not one. */
  get(name: string): JobHandler {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new UnknownJobError(name);
    return handler;
  }

  all(): JobHandler[] {
    return [...this.handlers.values()];
  }

  names(): JobName[] {
    return [...this.handlers.keys()];
  }
}
