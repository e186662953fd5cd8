import { Module } from '@nestjs/common';
import { ValidityCheckController } from './validity-check.controller';
import { ValidityCheckService } from './validity-check.service';
import { PublicCheckCache } from './public-check.cache';

@Module({
  controllers: [ValidityCheckController],
  providers: [ValidityCheckService, PublicCheckCache],
  exports: [ValidityCheckService],
})
export class ValidityCheckModule {}
