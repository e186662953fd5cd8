import { RejectHandler } from '../database/isolate-rows';
import { AlertCursor, AlertFilter, DossierAlerts, SaveOutcome, StoredAlert } from './alert';

/** One alert per (ds_key, alert_type), whatever the number of runs (decision one-alert-per-dossier-and-type). */
export abstract class AlertRepository {
  /**
   * For each dossier of the batch, stores its current alerts (inserted, refreshed, or reopened if they were
   * resolved) and marks resolved at `at` its open alerts that are no longer in the list. With `reject`, a dossier
   * the store refuses is left out and reported, and the others are saved.
   */
  abstract saveEvaluations(evaluations: DossierAlerts[], at: Date, reject?: RejectHandler): Promise<SaveOutcome>;
  /** Removes every alert; returns how many. */
  abstract deleteAll(): Promise<number>;
  abstract count(filter: AlertFilter): Promise<number>;
  /** The open alerts per type, of one unit id or of all; a type without open alerts may be absent. */
  abstract countOpenByType(groupId?: string): Promise<Map<string, number>>;
  /** In (ds_key, alert_type) order. */
  abstract findPage(filter: AlertFilter, offset: number, limit: number): Promise<StoredAlert[]>;
  /** The next `limit` alerts after `after`, in (ds_key, alert_type) order: reads any number in bounded memory. */
  abstract findAfter(filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]>;
}
