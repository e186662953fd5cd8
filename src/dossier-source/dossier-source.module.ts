import { Global, Module } from '@nestjs/common';
import { DossierSourceRepository } from './dossier-source.repository';
import { PgDossierSourceRepository } from './dossier-source.pg.repository';

@Global()
@Module({
  providers: [{ provide: DossierSourceRepository, useClass: PgDossierSourceRepository }],
  exports: [DossierSourceRepository],
})
export class DossierSourceModule {}
