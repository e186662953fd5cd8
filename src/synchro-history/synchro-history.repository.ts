/** Each job's watermark: the start time of its last successful run. */
export abstract class SynchroHistoryRepository {
  abstract get(job: string): Promise<Date | null>;
  abstract set(job: string, lastSynchro: Date): Promise<void>;
}
