import { Injectable } from '@nestjs/common';
import { KintoConnection } from '../kinto/kinto-client.provider';
import { KintoRecords, kintoId } from '../kinto/kinto-records';
import { SynchroHistoryRepository } from './synchro-history.repository';

/** A record of `synchro_histories`, one per job, named as the seed named it. */
interface SynchroHistoryRecord {
  scheduler: string;
  /** Epoch ms. */
  last_synchro: number;
}

@Injectable()
export class KintoSynchroHistoryRepository extends SynchroHistoryRepository {
  private readonly records: KintoRecords<SynchroHistoryRecord>;

  constructor(kinto: KintoConnection) {
    super();
    this.records = new KintoRecords(kinto, 'synchro_histories');
  }

  async get(job: string): Promise<Date | null> {
    const record = await this.records.get(kintoId('sh', job));
    return record ? new Date(record.last_synchro) : null;
  }

  /** Only the lock holder of `job` writes its watermark, so a plain PUT by id is enough. */
  async set(job: string, lastSynchro: Date): Promise<void> {
    await this.records.put(kintoId('sh', job), { scheduler: job, last_synchro: lastSynchro.getTime() });
  }
}
