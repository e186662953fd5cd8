import { ALERT_MESSAGES, AlertType, isAlertType } from '../alert/alert-type';
import { AlertGroup, StoredAlert } from '../alert/alert';

/** The span a digest covers: `since` inclusive, `until` exclusive. */
export interface DigestWindow {
  since: Date;
  until: Date;
}

export interface DigestLine {
  group: AlertGroup;
  alertType: AlertType;
  /** Alerts first detected in the window. */
  opened: number;
  /** Alerts whose condition stopped holding in the window, and still resolved. */
  resolved: number;
}

const within = (at: Date | null, { since, until }: DigestWindow) =>
  at !== null && at.getTime() >= since.getTime() && at.getTime() < until.getTime();

/** One alert that appeared or went away in the window, as the digest lists it. */
export interface DigestItem {
  dsKey: string;
  alertType: AlertType;
  /** DS instructor view of the dossier. */
  url: string;
  opened: boolean;
  resolved: boolean;
}

/** A unit's part of the digest: its counts by alert type and the alerts themselves. */
export interface DigestUnit {
  group: AlertGroup;
  lines: DigestLine[];
  items: DigestItem[];
}

const groupOrder = (a: AlertGroup, b: AlertGroup) =>
  a.id.localeCompare(b.id, 'fr', { numeric: true }) || a.type.localeCompare(b.type);

/** Counts, per group and alert type, the alerts opened and resolved in the window; fed one alert at a time. */
export class DigestTally {
  private readonly lines = new Map<string, DigestLine>();
  private readonly items = new Map<string, DigestItem[]>();

  constructor(private readonly window: DigestWindow) {}

  add(alert: StoredAlert): void {
    const opened = within(alert.detectedAt, this.window);
    const resolved = within(alert.resolvedAt, this.window);
    if ((!opened && !resolved) || !isAlertType(alert.alertType)) return;
    const key = `${alert.group.id}/${alert.group.type}/${alert.alertType}`;
    const line = this.lines.get(key) ?? { group: alert.group, alertType: alert.alertType, opened: 0, resolved: 0 };
    if (opened) line.opened += 1;
    if (resolved) line.resolved += 1;
    this.lines.set(key, line);
    const unitKey = `${alert.group.id}/${alert.group.type}`;
    const items = this.items.get(unitKey) ?? [];
    items.push({ dsKey: alert.dsKey, alertType: alert.alertType, url: alert.url, opened, resolved });
    this.items.set(unitKey, items);
  }

  /** By unit, the lines in `result` order and the alerts by alert type then dossier. */
  units(): DigestUnit[] {
    const typeOrder = Object.keys(ALERT_MESSAGES);
    const units = new Map<string, DigestUnit>();
    for (const line of this.result()) {
      const key = `${line.group.id}/${line.group.type}`;
      const unit = units.get(key) ?? { group: line.group, lines: [], items: [] };
      unit.lines.push(line);
      units.set(key, unit);
    }
    for (const [key, unit] of units) {
      unit.items = [...(this.items.get(key) ?? [])].sort(
        (a, b) =>
          typeOrder.indexOf(a.alertType) - typeOrder.indexOf(b.alertType) ||
          a.dsKey.localeCompare(b.dsKey, 'fr', { numeric: true }),
      );
    }
    return [...units.values()];
  }

  /** By group (id, autorisation before introduction), then in the order of the alert types. */
  result(): DigestLine[] {
    const typeOrder = Object.keys(ALERT_MESSAGES);
    return [...this.lines.values()].sort(
      (a, b) => groupOrder(a.group, b.group) || typeOrder.indexOf(a.alertType) - typeOrder.indexOf(b.alertType),
    );
  }
}
