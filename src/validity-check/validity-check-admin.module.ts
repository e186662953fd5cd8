import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ValidityCheckAdminController } from './validity-check-admin.controller';

/**
 * The admin routes on validity checks. A module of their own, apart from ValidityCheckModule, because the admin
 * prefix (API_PREFIX) applies to every controller of a module and the public check must stay at /api/v1/.
 */
@Module({
  imports: [JobsModule],
  controllers: [ValidityCheckAdminController],
})
export class ValidityCheckAdminModule {}
