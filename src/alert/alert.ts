import { GroupType } from '../dossier-source/dossier';
import { AlertType } from './alert-type';

export interface AlertGroup {
  /** Empty when the aggregator row has no group (procedure not configured). */
  id: string;
  type: GroupType;
  label: string;
}

/** An alert as raised by one evaluation of a dossier, with what the workbook and the mail need of the dossier. */
export interface Alert {
  dsKey: string;
  alertType: AlertType;
  message: string;
  /** DS instructor view of the dossier. */
  url: string;
  group: AlertGroup;
  /** The dossier's state when the alert was last evaluated. */
  state: string;
  instructorsHistory: string[];
  emailUsager: string | null;
  emailInstructors: string[];
  /** Raw "Date de début APT" annotation. */
  dateDebutApt: string | null;
  processedAt: Date | null;
}

export interface StoredAlert extends Alert {
  id: string;
  detectedAt: Date;
  /** When the condition stopped holding; null while it holds. */
  resolvedAt: Date | null;
}

/** The complete set of alerts a dossier raises now: those of its stored alerts not in it are resolved. */
export interface DossierAlerts {
  dsKey: string;
  alerts: Alert[];
}

export type AlertStatusFilter = 'open' | 'resolved';

export interface AlertFilter {
  groupId?: string;
  alertType?: AlertType;
  status?: AlertStatusFilter;
}

/** Where the next page of a stream starts (alerts are read in (ds_key, alert_type) order). */
export interface AlertCursor {
  dsKey: string;
  alertType: string;
}

export interface SaveOutcome {
  /** Alerts inserted, reopened, or whose details changed. */
  changed: number;
  /** Open alerts whose condition no longer holds. */
  resolved: number;
}
