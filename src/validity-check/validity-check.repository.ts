import { RejectHandler } from '../database/isolate-rows';
import { ValidityCheck } from './validity-check';

export abstract class ValidityCheckRepository {
  /**
   * Inserts or replaces the checks, by ds_key; `syncedAt` marks them as seen by this run. With `reject`, a check the
   * store refuses is left out and reported, and the others are written.
   */
  abstract upsertMany(checks: ValidityCheck[], syncedAt: Date, reject?: RejectHandler): Promise<void>;
  abstract deleteByDsKeys(dsKeys: string[]): Promise<number>;
  /** After a full run: removes the checks no run refreshed since `syncedBefore` (their dossier is gone). */
  abstract deleteNotSyncedSince(syncedBefore: Date): Promise<number>;
  /**
   * Removes autorisations whose last valid day is before `today`; introductions are never removed (decision
   * introductions-never-expire).
   */
  abstract deleteExpired(today: string): Promise<number>;
  abstract findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null>;
  abstract count(): Promise<number>;
}
