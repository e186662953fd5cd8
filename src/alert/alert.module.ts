import { Module } from '@nestjs/common';
import { DossierSourceModule } from '../dossier-source/dossier-source.module';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { storeProvider } from '../storage/store-provider';
import { AlertAdminController } from './alert-admin.controller';
import { KintoAlertRepository } from './alert.kinto.repository';
import { PgAlertRepository } from './alert.pg.repository';
import { AlertRepository } from './alert.repository';
import { AlertService } from './alert.service';

/** Dossiers en souffrance: the `alert` and `alert-email` jobs, the admin routes, and the service others ask. */
@Module({
  imports: [DossierSourceModule, MailModule, JobsModule],
  controllers: [AlertAdminController],
  providers: [
    AlertService,
    storeProvider(AlertRepository, { postgres: PgAlertRepository, kinto: KintoAlertRepository }),
  ],
  exports: [AlertService],
})
export class AlertModule {}
