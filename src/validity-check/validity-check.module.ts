import { Module } from '@nestjs/common';
import { ValidityCheckController } from './validity-check.controller';
import { ValidityCheckCleanerJob, ValidityCheckJob } from './validity-check.jobs';
import { ValidityCheckService } from './validity-check.service';
import { PublicLimitsModule } from '../public-limits/public-limits.module';

@Module({
  imports: [PublicLimitsModule],
  controllers: [ValidityCheckController],
  providers: [ValidityCheckService, ValidityCheckJob, ValidityCheckCleanerJob],
  exports: [ValidityCheckService],
})
export class ValidityCheckModule {}
