import { Global, Module } from '@nestjs/common';
import { JobRegistry } from './job-registry';
import { JobRunner } from './job-runner.service';

@Global()
@Module({ providers: [JobRegistry, JobRunner], exports: [JobRegistry, JobRunner] })
export class JobsModule {}
