import { StoredAlert } from '../alert/alert';
import { AlertType } from '../alert/alert-type';
import { DigestTally } from './alert-digest.rules';
import { storedAlert } from '../../test/fixtures/stored-alert';

// 08:00 in Paris on 10 March 2021, and the 24 hours before.
const WINDOW = { since: new Date('2021-03-09T07:00:00Z'), until: new Date('2021-03-10T07:00:00Z') };
const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { ...PARIS, type: 'introduction' as const };
const AISNE = { id: '02', label: '02 - Aisne', type: 'autorisation' as const };

function alert(
  alertType: AlertType,
  group: StoredAlert['group'],
  detectedAt: string,
  resolvedAt: string | null = null,
): StoredAlert {
  return storedAlert({
    id: `${alertType}-${detectedAt}`,
    alertType,
    group,
    detectedAt: new Date(detectedAt),
    resolvedAt: resolvedAt ? new Date(resolvedAt) : null,
  });
}

function tally(alerts: StoredAlert[]) {
  const t = new DigestTally(WINDOW);
  alerts.forEach((a) => t.add(a));
  return t.result();
}

describe('DigestTally', () => {
  it('counts alerts opened and resolved in the window, start included and end excluded, by group and type', () => {
    const lines = tally([
      alert('closedWithSupOneYear', PARIS, '2021-03-09T07:00:00Z'),
      alert('closedWithSupOneYear', PARIS, '2021-03-09T12:00:00Z', '2021-03-09T18:00:00Z'),
      alert('closedWithSupOneYear', PARIS, '2021-02-01T12:00:00Z', '2021-03-10T06:59:59Z'),
      alert('closedWithSupOneYear', PARIS, '2021-03-10T07:00:00Z'),
      alert('closedWithSupOneYear', PARIS, '2021-03-09T06:59:59Z'),
      alert('receivedAndDelayTooLong', PARIS_INTRODUCTION, '2021-03-09T08:00:00Z'),
      alert('closedWithDebutSupFin', PARIS, '2021-03-09T09:00:00Z'),
      alert('initiatedAndDelayTooLong', AISNE, '2021-01-09T09:00:00Z', '2021-03-09T09:00:00Z'),
    ]);
    expect(lines.map((l) => [l.group.id, l.group.type, l.alertType, l.opened, l.resolved])).toEqual([
      ['02', 'autorisation', 'initiatedAndDelayTooLong', 0, 1],
      ['75', 'autorisation', 'closedWithDebutSupFin', 1, 0],
      ['75', 'autorisation', 'closedWithSupOneYear', 2, 2],
      ['75', 'introduction', 'receivedAndDelayTooLong', 1, 0],
    ]);
  });

  it('gives nothing when nothing changed in the window', () => {
    expect(tally([alert('closedWithSupOneYear', PARIS, '2021-01-01T00:00:00Z')])).toEqual([]);
  });
});
