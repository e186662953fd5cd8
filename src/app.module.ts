import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AlertDigestModule } from './alert-digest/alert-digest.module';
import { AlertModule } from './alert/alert.module';
import { createRootLogger, loggerModuleParams, RootLogger } from './common/logger';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DsImportModule } from './ds-import/ds-import.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { MonthlyReportModule } from './monthly-report/monthly-report.module';
import { RetentionModule } from './retention/retention.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { StorageModule } from './storage/storage.module';
import { ValidityCheckAdminModule } from './validity-check/validity-check-admin.module';
import { ValidityCheckModule } from './validity-check/validity-check.module';

export interface AppOptions {
  /** Run the cron schedule (the server does, the CLI and the tests do not). */
  scheduler: boolean;
  /** Where every line goes; by default JSON or text on stdout, as configured. */
  rootLogger?: RootLogger;
}

/** The modules whose controllers are all admin routes (the public check stays in ValidityCheckModule). */
const ADMIN_MODULES = [JobsModule, ValidityCheckAdminModule, MonthlyReportModule, AlertModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(
          loggerModuleParams(
            options.rootLogger ??
              createRootLogger({ level: config.logLevel, format: config.logFormat, destination: 1 }),
          ),
        ),
        MetricsModule.forRoot(config),
        DatabaseModule,
        StorageModule.forRoot(config),
        // The modules with routes come first, in this order: it is the order of the routes in the OpenAPI document.
        HealthModule,
        ValidityCheckModule,
        ...ADMIN_MODULES,
        // Every admin route, under /api/{API_PREFIX}/, each guarded by the admin token.
        RouterModule.register([{ path: config.adminPrefix, children: ADMIN_MODULES }]),
        AlertDigestModule,
        MailModule,
        RetentionModule,
        DemoModule,
        DsImportModule.forRoot(config),
        DashboardModule,
        ...(options.scheduler && config.schedulerEnabled ? [SchedulerModule] : []),
      ],
    };
  }
}
