import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { JobsModule } from '../jobs/jobs.module';
import { CronService } from './cron.service';

@Module({ imports: [ScheduleModule.forRoot(), JobsModule], providers: [CronService] })
export class SchedulerModule {}
