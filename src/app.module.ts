import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AdminApiModule } from './admin/admin-api.module';
import { AlertDigestModule } from './alert-digest/alert-digest.module';
import { AlertModule } from './alert/alert.module';
import { createRootLogger, loggerModuleParams, RootLogger } from './common/logger';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DossierSourceModule } from './dossier-source/dossier-source.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { MetricsModule } from './metrics/metrics.module';
import { MonthlyReportModule } from './monthly-report/monthly-report.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { StorageModule } from './storage/storage.module';
import { ValidityCheckModule } from './validity-check/validity-check.module';

export interface AppOptions {
  /** Run the cron schedule (the server does, the CLI and the tests do not). */
  scheduler: boolean;
  /** Where every line goes; by default JSON or text on stdout, as configured. */
  rootLogger?: RootLogger;
}

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
        DossierSourceModule,
        JobsModule,
        MailModule,
        HealthModule,
        DemoModule,
        ThrottlerModule.forRoot({
          // A sliding window without a separate block: Retry-After is then the time until the oldest counted check
          // leaves the window, i.e. when the next one is accepted, rather than a fixed minute.
          throttlers: [{ ttl: 60_000, limit: Math.max(config.publicRateLimit, 1), blockDuration: 0 }],
          skipIf: () => config.publicRateLimit === 0,
          errorMessage: (_context, limit) =>
            `Trop de vérifications depuis cette adresse : réessayez dans ${limit.timeToBlockExpire} s.`,
        }),
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
