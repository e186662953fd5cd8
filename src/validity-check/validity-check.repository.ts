import { ValidityCheck } from './validity-check';

export abstract class ValidityCheckRepository {
  /** Inserts or replaces the checks, by ds_key; `syncedAt` marks them as seen by this run. */
  abstract upsertMany(checks: ValidityCheck[], syncedAt: Date): Promise<void>;
  abstract deleteByDsKeys(dsKeys: string[]): Promise<number>;
  /** After a full run: removes the checks no run refreshed since `syncedBefore` (their dossier is gone). */
  abstract deleteNotSyncedSince(syncedBefore: Date): Promise<number>;
  /** Removes autorisations whose last valid day is before `today`; introductions are never removed (B1). */
  abstract deleteExpired(today: string): Promise<number>;
  abstract findByDossierAndBirthDate(dossierId: number, dateDeNaissance: string): Promise<ValidityCheck | null>;
  abstract count(): Promise<number>;
}
