import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { storeProvider } from '../storage/store-provider';
import { MailTransport, SmtpMailTransport } from './mail-transport';
import { KintoOutboxRepository } from './outbox.kinto.repository';
import { PgOutboxRepository } from './outbox.pg.repository';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** The outbox and the SMTP transport, for every module that mails (alerts, monthly reports, the digest). */
@Module({
  imports: [JobsModule],
  providers: [
    OutboxService,
    { provide: MailTransport, useClass: SmtpMailTransport },
    storeProvider(OutboxRepository, { postgres: PgOutboxRepository, kinto: KintoOutboxRepository }),
  ],
  exports: [OutboxService],
})
export class MailModule {}
