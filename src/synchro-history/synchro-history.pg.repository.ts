import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { Databases } from '../database/database';
import { synchroHistory } from '../database/schema';
import { SynchroHistoryRepository } from './synchro-history.repository';

@Injectable()
export class PgSynchroHistoryRepository extends SynchroHistoryRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async get(job: string): Promise<Date | null> {
    const [row] = await this.databases.main.select().from(synchroHistory).where(eq(synchroHistory.scheduler, job));
    return row?.lastSynchro ?? null;
  }

  async set(job: string, lastSynchro: Date): Promise<void> {
    await this.databases.main
      .insert(synchroHistory)
      .values({ scheduler: job, lastSynchro })
      .onConflictDoUpdate({ target: synchroHistory.scheduler, set: { lastSynchro } });
  }
}
