import { Module } from '@nestjs/common';
import { ValidityCheckController } from './validity-check.controller';
import { ValidityCheckCleanerJob, ValidityCheckJob } from './validity-check.jobs';
import { ValidityCheckService } from './validity-check.service';

@Module({
  controllers: [ValidityCheckController],
  providers: [ValidityCheckService, ValidityCheckJob, ValidityCheckCleanerJob],
  exports: [ValidityCheckService],
})
export class ValidityCheckModule {}
