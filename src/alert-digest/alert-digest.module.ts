import { Module } from '@nestjs/common';
import { AlertModule } from '../alert/alert.module';
import { MailModule } from '../mail/mail.module';
import { SynchroHistoryModule } from '../synchro-history/synchro-history.module';
import { AlertDigestService } from './alert-digest.service';

@Module({
  imports: [AlertModule, MailModule, SynchroHistoryModule],
  providers: [AlertDigestService],
})
export class AlertDigestModule {}
