import { Module } from '@nestjs/common';
import { JobsController } from '../jobs/jobs.controller';
import { ValidityCheckAdminController } from '../validity-check/validity-check-admin.controller';
import { ValidityCheckModule } from '../validity-check/validity-check.module';

/**
 * Every admin route, mounted under /api/{API_PREFIX}/ by the RouterModule in app.module.ts and guarded by the admin
 * token on each controller.
 */
@Module({
  imports: [ValidityCheckModule],
  controllers: [JobsController, ValidityCheckAdminController],
})
export class AdminApiModule {}
