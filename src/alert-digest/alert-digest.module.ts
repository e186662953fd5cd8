import { Module } from '@nestjs/common';
import { AlertModule } from '../alert/alert.module';
import { MailModule } from '../mail/mail.module';
import { SynchroHistoryModule } from '../synchro-history/synchro-history.module';
import { AlertDigestJob } from './alert-digest.job';
import { AlertDigestService } from './alert-digest.service';

@Module({
  imports: [AlertModule, MailModule, SynchroHistoryModule],
  providers: [AlertDigestService, AlertDigestJob],
})
export class AlertDigestModule {}
