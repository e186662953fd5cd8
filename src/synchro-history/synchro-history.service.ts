import { Injectable } from '@nestjs/common';
import { SynchroHistoryRepository } from './synchro-history.repository';

/** Each job's watermark (the start of its last successful run), and the markers of one-time tasks. */
@Injectable()
export class SynchroHistoryService {
  constructor(private readonly history: SynchroHistoryRepository) {}

  /** When the last successful run of `job` started; null if it never succeeded. */
  lastSuccessfulStart(job: string): Promise<Date | null> {
    return this.history.get(job);
  }

  /** Moves the watermark of `job`: call it only once everything its run wrote is committed. */
  recordSuccessfulStart(job: string, startedAt: Date): Promise<void> {
    return this.history.set(job, startedAt);
  }
}
