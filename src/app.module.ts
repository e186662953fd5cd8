import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AdminApiModule } from './admin/admin-api.module';
import { AlertDigestModule } from './alert-digest/alert-digest.module';
import { AlertModule } from './alert/alert.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DossierSourceModule } from './dossier-source/dossier-source.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { MonthlyReportModule } from './monthly-report/monthly-report.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { StorageModule } from './storage/storage.module';
import { ValidityCheckModule } from './validity-check/validity-check.module';

export interface AppOptions {
  /** Run the cron schedule (the server does, the CLI and the tests do not). */
  scheduler: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        StorageModule.forRoot(config),
        DossierSourceModule,
        JobsModule,
        MailModule,
        HealthModule,
        DemoModule,
        ValidityCheckModule,
        MonthlyReportModule,
        AlertDigestModule,
        AlertModule,
        AdminApiModule,
        RouterModule.register([{ path: config.adminPrefix, module: AdminApiModule }]),
        ...(options.scheduler && config.schedulerEnabled ? [SchedulerModule] : []),
      ],
    };
  }
}
