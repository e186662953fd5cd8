import { StoredAlert } from '../alert/alert';
import { AlertType } from '../alert/alert-type';
import { buildAlertDigestMail, DigestTally } from './alert-digest.rules';

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
  return {
    id: `${alertType}-${detectedAt}`,
    dsKey: '14131-1',
    alertType,
    message: '',
    url: '',
    group,
    state: 'closed',
    instructorsHistory: [],
    emailUsager: null,
    emailInstructors: [],
    dateDebutApt: null,
    processedAt: null,
    detectedAt: new Date(detectedAt),
    resolvedAt: resolvedAt ? new Date(resolvedAt) : null,
  };
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

describe('buildAlertDigestMail', () => {
  const lines = tally([
    alert('closedWithSupOneYear', PARIS, '2021-03-09T12:00:00Z'),
    alert('closedWithSupOneYear', PARIS, '2021-03-09T13:00:00Z'),
    alert('receivedAndDelayTooLong', PARIS_INTRODUCTION, '2021-02-09T08:00:00Z', '2021-03-09T08:00:00Z'),
    alert('closedWithDebutSupFin', { id: '', label: '', type: 'autorisation' }, '2021-03-09T09:00:00Z'),
  ]);
  const mail = buildAlertDigestMail(lines, WINDOW);

  it('says the totals and the Paris day in the subject', () => {
    expect(mail.subject).toBe('Work In France : alertes du 10/03/2021 (3 nouvelles, 1 résolue)');
  });

  it('lists the counts by unit and alert type in the text, the window in Paris time', () => {
    expect(mail.text).toBe(
      [
        'Bonjour,',
        'Alertes apparues et résolues depuis le 09/03/2021 à 08:00 (heure de Paris), par unité.',
        'Sans unité\n- dossier accepté, date de fin APT antérieure à Date de début APT : 1 nouvelle, 0 résolue',
        '75 - Paris\n- dossier accepté, durée APT supérieure à 12 mois : 2 nouvelles, 0 résolue',
        "75 - Paris (introduction)\n- durée d'instruction de dossier dépassée : 0 nouvelle, 1 résolue",
        'Total : 3 nouvelles, 1 résolue',
        'Le détail des dossiers est dans le classeur des dossiers en souffrance.',
        "L'équipe Work In France\n",
      ].join('\n\n'),
    );
  });

  it('renders the same figures as an HTML table, escaped', () => {
    expect(mail.html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(mail.html).toContain('>75 - Paris (introduction)</td>');
    expect(mail.html).toContain('>durée d&#39;instruction de dossier dépassée</td>');
    expect(mail.html).toMatch(/>Total<\/td>.*>3<\/td>.*>1<\/td><\/tr><\/table>/);
  });
});
