import { Module } from '@nestjs/common';
import { DossierSourceModule } from '../dossier-source/dossier-source.module';
import { PublicLimitsModule } from '../public-limits/public-limits.module';
import { storeProvider } from '../storage/store-provider';
import { ValidityCheckController } from './validity-check.controller';
import { KintoValidityCheckRepository } from './validity-check.kinto.repository';
import { PgValidityCheckRepository } from './validity-check.pg.repository';
import { ValidityCheckRepository } from './validity-check.repository';
import { ValidityCheckService } from './validity-check.service';

/** The public APT check and the jobs that feed it. Its admin routes are ValidityCheckAdminModule's. */
@Module({
  imports: [DossierSourceModule, PublicLimitsModule],
  controllers: [ValidityCheckController],
  providers: [
    ValidityCheckService,
    storeProvider(ValidityCheckRepository, {
      postgres: PgValidityCheckRepository,
      kinto: KintoValidityCheckRepository,
    }),
  ],
  exports: [ValidityCheckService],
})
export class ValidityCheckModule {}
