import { Module } from '@nestjs/common';
import { SynchroHistoryModule } from '../synchro-history/synchro-history.module';
import { DemoSeeder } from './demo-seeder.service';

@Module({ imports: [SynchroHistoryModule], providers: [DemoSeeder], exports: [DemoSeeder] })
export class DemoModule {}
