import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry';
import { JobRunner } from './job-runner.service';

@Global()
@Module({ imports: [DiscoveryModule], providers: [JobRegistry, JobRunner], exports: [JobRegistry, JobRunner] })
export class JobsModule {}
