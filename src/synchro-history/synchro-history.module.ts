import { Module } from '@nestjs/common';
import { storeProvider } from '../storage/store-provider';
import { KintoSynchroHistoryRepository } from './synchro-history.kinto.repository';
import { PgSynchroHistoryRepository } from './synchro-history.pg.repository';
import { SynchroHistoryRepository } from './synchro-history.repository';
import { SynchroHistoryService } from './synchro-history.service';

/** The jobs' watermarks, read and moved through the service. */
@Module({
  providers: [
    storeProvider(SynchroHistoryRepository, {
      postgres: PgSynchroHistoryRepository,
      kinto: KintoSynchroHistoryRepository,
    }),
    SynchroHistoryService,
  ],
  exports: [SynchroHistoryService],
})
export class SynchroHistoryModule {}
