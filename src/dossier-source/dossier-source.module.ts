import { Module } from '@nestjs/common';
import { DossierSourceRepository } from './dossier-source.repository';
import { PgDossierSourceRepository } from './dossier-source.pg.repository';

/**
 * The aggregator's dossiers, read-only. Its abstract repository is its public interface: the features that read
 * dossiers (validity checks, alerts, monthly reports) import this module and inject `DossierSourceRepository`.
 */
@Module({
  providers: [{ provide: DossierSourceRepository, useClass: PgDossierSourceRepository }],
  exports: [DossierSourceRepository],
})
export class DossierSourceModule {}
