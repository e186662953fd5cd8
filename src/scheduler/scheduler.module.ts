import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { CronService } from './cron.service';

@Module({ imports: [JobsModule], providers: [CronService] })
export class SchedulerModule {}
