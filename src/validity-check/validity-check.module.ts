import { Module } from '@nestjs/common';
import { ValidityCheckController } from './validity-check.controller';
import { ValidityCheckCleanerJob, ValidityCheckJob } from './validity-check.jobs';
import { ValidityCheckService } from './validity-check.service';
import { PublicCheckCache } from './public-check.cache';

@Module({
  controllers: [ValidityCheckController],
  providers: [ValidityCheckService, PublicCheckCache, ValidityCheckJob, ValidityCheckCleanerJob],
  exports: [ValidityCheckService],
})
export class ValidityCheckModule {}
