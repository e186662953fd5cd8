import { Module } from '@nestjs/common';
import { AlertAdminController } from '../alert/alert-admin.controller';
import { AlertModule } from '../alert/alert.module';
import { JobsController } from '../jobs/jobs.controller';
import { MonthlyReportAdminController } from '../monthly-report/monthly-report-admin.controller';
import { MonthlyReportModule } from '../monthly-report/monthly-report.module';
import { ValidityCheckAdminController } from '../validity-check/validity-check-admin.controller';
import { ValidityCheckModule } from '../validity-check/validity-check.module';

/**
 * Every admin route, mounted under /api/{API_PREFIX}/ by the RouterModule in app.module.ts and guarded by the admin
 * token on each controller.
 */
@Module({
  imports: [ValidityCheckModule, MonthlyReportModule, AlertModule],
  controllers: [JobsController, ValidityCheckAdminController, MonthlyReportAdminController, AlertAdminController],
})
export class AdminApiModule {}
