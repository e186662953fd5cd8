import { Module } from '@nestjs/common';
import { DossierSourceModule } from '../dossier-source/dossier-source.module';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { storeProvider } from '../storage/store-provider';
import { DossierStatisticsRepository } from './dossier-statistics.repository';
import { PgDossierStatisticsRepository } from './dossier-statistics.pg.repository';
import { MonthlyReportAdminController } from './monthly-report-admin.controller';
import { KintoMonthlyReportRepository } from './monthly-report.kinto.repository';
import { MonthlyReportMailer } from './monthly-report.mailer';
import { PgMonthlyReportRepository } from './monthly-report.pg.repository';
import { MonthlyReportRepository } from './monthly-report.repository';
import { MonthlyReportService } from './monthly-report.service';

/**
 * Monthly statistics: the query over the aggregator's dossiers (always PostgreSQL, where the dossiers are), the
 * reports kept in the configured store, their mails, the job and the admin routes.
 */
@Module({
  imports: [DossierSourceModule, MailModule, JobsModule],
  controllers: [MonthlyReportAdminController],
  providers: [
    MonthlyReportService,
    MonthlyReportMailer,
    { provide: DossierStatisticsRepository, useClass: PgDossierStatisticsRepository },
    storeProvider(MonthlyReportRepository, {
      postgres: PgMonthlyReportRepository,
      kinto: KintoMonthlyReportRepository,
    }),
  ],
  exports: [MonthlyReportService],
})
export class MonthlyReportModule {}
