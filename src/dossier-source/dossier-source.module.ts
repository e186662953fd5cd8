import { Global, Module } from '@nestjs/common';
import { DossierSourceRepository } from './dossier-source.repository';
import { PgDossierSourceRepository } from './dossier-source.pg.repository';
import { DossierStatisticsRepository } from './dossier-statistics.repository';
import { PgDossierStatisticsRepository } from './dossier-statistics.pg.repository';

@Global()
@Module({
  providers: [
    { provide: DossierSourceRepository, useClass: PgDossierSourceRepository },
    { provide: DossierStatisticsRepository, useClass: PgDossierStatisticsRepository },
  ],
  exports: [DossierSourceRepository, DossierStatisticsRepository],
})
export class DossierSourceModule {}
