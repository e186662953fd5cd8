import { Module } from '@nestjs/common';
import { AlertModule } from '../alert/alert.module';
import { JobsModule } from '../jobs/jobs.module';
import { MonthlyReportModule } from '../monthly-report/monthly-report.module';
import { ValidityCheckModule } from '../validity-check/validity-check.module';
import { DashboardService } from './dashboard.service';

/** The staff dashboard's service; its pages are a Fastify plugin (dashboard.plugin.ts) registered by the server. */
@Module({
  imports: [AlertModule, JobsModule, MonthlyReportModule, ValidityCheckModule],
  providers: [DashboardService],
  exports: [DashboardService],
})
export class DashboardModule {}
