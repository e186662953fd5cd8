import { StoredAlert } from '../alert/alert';
import { AlertType } from '../alert/alert-type';
import { buildAlertDigestMail, MAX_LISTED_ALERTS } from './alert-digest.mail';
import { DigestTally } from './alert-digest.rules';
import { storedAlert } from '../../test/fixtures/stored-alert';

// 08:00 in Paris on 10 March 2021, and the 24 hours before.
const WINDOW = { since: new Date('2021-03-09T07:00:00Z'), until: new Date('2021-03-10T07:00:00Z') };
const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { ...PARIS, type: 'introduction' as const };
const DS = 'https://www.demarches-simplifiees.fr/procedures/14131/dossiers';

function alert(
  dossier: number,
  alertType: AlertType,
  group: StoredAlert['group'],
  detectedAt: string,
  resolvedAt: string | null = null,
): StoredAlert {
  return storedAlert({
    id: `${dossier}-${alertType}`,
    dsKey: `14131-${dossier}`,
    alertType,
    url: `${DS}/${dossier}`,
    group,
    detectedAt: new Date(detectedAt),
    resolvedAt: resolvedAt ? new Date(resolvedAt) : null,
  });
}

function digest(alerts: StoredAlert[]) {
  const tally = new DigestTally(WINDOW);
  alerts.forEach((a) => tally.add(a));
  return buildAlertDigestMail(tally.units(), WINDOW);
}

describe('buildAlertDigestMail', () => {
  const mail = digest([
    alert(12, 'closedWithSupOneYear', PARIS, '2021-03-09T12:00:00Z'),
    alert(11, 'closedWithSupOneYear', PARIS, '2021-03-09T13:00:00Z'),
    alert(13, 'receivedAndDelayTooLong', PARIS_INTRODUCTION, '2021-02-09T08:00:00Z', '2021-03-09T08:00:00Z'),
    alert(14, 'closedWithDebutSupFin', { id: '', label: '', type: 'autorisation' }, '2021-03-09T09:00:00Z'),
  ]);

  it('says the totals and the Paris day in the subject', () => {
    expect(mail.subject).toBe('Work In France : alertes du 10/03/2021 (3 nouvelles, 1 résolue)');
  });

  it('lists, by unit, the counts by alert type and each alert with its dossier link, in the text', () => {
    expect(mail.text).toBe(
      [
        'Bonjour,',
        'Alertes apparues et résolues depuis le 09/03/2021 à 08:00 (heure de Paris), par unité.',
        [
          'Sans unité',
          '- dossier accepté, date de fin APT antérieure à Date de début APT : 1 nouvelle, 0 résolue',
          `Dossier nº14 (nouvelle) : ${DS}/14`,
        ].join('\n'),
        [
          '75 - Paris',
          '- dossier accepté, durée APT supérieure à 12 mois : 2 nouvelles, 0 résolue',
          `Dossier nº11 (nouvelle) : ${DS}/11`,
          `Dossier nº12 (nouvelle) : ${DS}/12`,
        ].join('\n'),
        [
          '75 - Paris (introduction)',
          "- durée d'instruction de dossier dépassée : 0 nouvelle, 1 résolue",
          `Dossier nº13 (résolue) : ${DS}/13`,
        ].join('\n'),
        'Total : 3 nouvelles, 1 résolue',
        'Le classeur joint liste toutes les alertes, avec le courriel envoyé au demandeur le cas échéant.',
        "L'équipe Work In France\n",
      ].join('\n\n'),
    );
  });

  it('renders the same in HTML, with links to the dossiers, escaped', () => {
    expect(mail.html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(mail.html).toContain('>75 - Paris (introduction)</h2>');
    expect(mail.html).toContain(`<a href="${DS}/13" style="color:#000091;">Dossier nº13</a>`);
    expect(mail.html).toContain('durée d&#39;instruction de dossier dépassée, résolue');
    expect(mail.html).toContain(
      '<li>dossier accepté, durée APT supérieure à 12 mois : <b>2 nouvelles</b>, <b>0 résolue</b></li>',
    );
    expect(mail.html.indexOf('Dossier nº11')).toBeLessThan(mail.html.indexOf('Dossier nº12'));
  });

  it('lists at most MAX_LISTED_ALERTS alerts and stays under 100 KB, the workbook holding the rest', () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      alert(
        100000 + i,
        'closedWithSupOneYear',
        { id: String(i % 40), label: `Unité ${i % 40}`, type: 'autorisation' },
        '2021-03-09T12:00:00Z',
      ),
    );
    const big = digest(many);
    expect(big.html.match(/>Dossier nº\d+<\/a>/g)).toHaveLength(MAX_LISTED_ALERTS);
    expect(big.html).toContain('autre(s) alerte(s) dans le classeur joint.');
    expect(Buffer.byteLength(big.html)).toBeLessThan(100 * 1024);
  });
});
