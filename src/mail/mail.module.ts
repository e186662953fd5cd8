import { Global, Module } from '@nestjs/common';
import { MailTransport, SmtpMailTransport } from './mail-transport';
import { OutboxService } from './outbox.service';

/** The outbox and the SMTP transport, for every module that mails (alerts, monthly reports). */
@Global()
@Module({
  providers: [OutboxService, { provide: MailTransport, useClass: SmtpMailTransport }],
  exports: [OutboxService, MailTransport],
})
export class MailModule {}
