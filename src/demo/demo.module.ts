import { Global, Module } from '@nestjs/common';
import { DemoSeeder } from './demo-seeder.service';

@Global()
@Module({ providers: [DemoSeeder], exports: [DemoSeeder] })
export class DemoModule {}
