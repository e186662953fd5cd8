import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { RetentionService } from './retention.service';

/** The daily `retention` job: what the service keeps, and for how long (see the README's "Data kept"). */
@Module({
  imports: [JobsModule, MailModule],
  providers: [RetentionService],
})
export class RetentionModule {}
