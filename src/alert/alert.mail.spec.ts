import { ALERT_TYPES, AlertType, MAILED_ALERT_TYPES } from './alert-type';
import { AlertMailInput, buildAlertMail, LEGAL_LINKS } from './alert.mail';

const input = (alertType: AlertType, overrides: Partial<AlertMailInput> = {}): AlertMailInput => ({
  alertType,
  dossierId: 502017,
  groupId: '75',
  dateDebutApt: '2019-01-01',
  dsBaseUrl: 'https://www.demarches-simplifiees.fr',
  ...overrides,
});

const ENDING = `Bonne journée,
L'équipe Work In France, pour les DREETS

Ce courriel est envoyé automatiquement : les réponses ne sont pas lues.
`;

describe('buildAlertMail', () => {
  it('says what is wrong, why, what to do and whom to ask, in current French', () => {
    expect(buildAlertMail(input('closedWithDebutSupFin'))?.text).toBe(`Bonjour,

Votre autorisation provisoire de travail (APT) nº502017, délivrée par la DREETS (unité départementale 75), comporte une erreur : sa date de fin est antérieure à sa date de début. Elle n'est donc pas valable.

Pourquoi une nouvelle demande ?
L'administration ne peut pas modifier elle-même une décision qui accorde un droit, sauf dans les cas limités prévus par l'article L242-1 du code des relations entre le public et l'administration. La DREETS (anciennement Direccte) ne peut donc pas corriger cette autorisation : une nouvelle demande est nécessaire.
https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000031366350

Ce que vous devez faire
Déposez un nouveau dossier sur démarches-simplifiées, le plus rapidement possible.

Qui contacter
Pour toute question, écrivez au service instructeur depuis la messagerie de votre dossier sur démarches-simplifiées :
https://www.demarches-simplifiees.fr/dossiers/502017

${ENDING}`);
  });

  it('mails a missing APT date', () => {
    const text = buildAlertMail(input('closedWithoutDateDebutOrDateFin'))?.text;
    expect(text).toContain(
      "comporte une erreur : il manque la date de début ou la date de fin. Elle n'est donc pas valable.",
    );
    expect(text).toContain('le plus rapidement possible.');
  });

  it('mails an APT of more than twelve months with the date from which to apply again', () => {
    const text = buildAlertMail(input('closedWithSupOneYear'))?.text ?? '';
    expect(text).toContain('comporte une erreur : sa durée dépasse douze mois.');
    expect(text).toContain('articles R5221-1 et suivants du code du travail.\n' + LEGAL_LINKS.codeDuTravail);
    expect(text).toContain('déposez un nouveau dossier sur démarches-simplifiées à partir du 27/11/2019.');
  });

  it.each([
    ['2019-01-01', '27/11/2019'],
    // Leap year: one day fewer to reach the same 330th day.
    ['2020-01-01', '26/11/2020'],
    // Across the DST changes: calendar days, no drift to the day before.
    ['2019-03-31', '24/02/2020'],
    ['2019-10-27', '21/09/2020'],
    ['2020-02-29', '24/01/2021'],
    [' 2019-01-01 ', '27/11/2019'],
  ])('suggests %s + 330 days = %s', (start, expected) => {
    const mail = buildAlertMail(input('closedWithSupOneYear', { dateDebutApt: start }));
    expect(mail?.text).toContain(`à partir du ${expected}.`);
    expect(mail?.html).toContain(`à partir du ${expected}.`);
  });

  it.each([null, '', 'bientôt', '2021-02-30', '01/01/2019'])(
    'states the rule instead of a date when the start date is %j',
    (dateDebutApt) => {
      const mail = buildAlertMail(input('closedWithSupOneYear', { dateDebutApt }));
      expect(mail?.text).toContain('330 jours après la date de début de votre autorisation.');
      expect(mail?.text).not.toMatch(/Invalid|NaN|undefined|null/);
    },
  );

  it.each(MAILED_ALERT_TYPES)('%s: no retired names or link formats, and the same text in HTML', (alertType) => {
    const mail = buildAlertMail(input(alertType));
    expect(mail).not.toBeNull();
    const all = `${mail?.subject}\n${mail?.text}\n${mail?.html}`;
    expect(all).not.toMatch(/affichCodeArticle|main d'oeuvre|\u00b0/);
    expect(mail?.text).not.toMatch(/Direccte(?!\))/);
    expect(mail?.html).toContain('href="https://www.demarches-simplifiees.fr/dossiers/502017"');
    expect(mail?.html).toMatch(/href="https:\/\/www\.legifrance\.gouv\.fr\/codes\/texte_lc\/LEGITEXT\d{12}"/);
    expect(mail?.html).toContain('nº502017, délivrée par la DREETS (unité départementale 75)');
    expect(mail?.text.endsWith(ENDING)).toBe(true);
  });

  it('escapes the unit id in the HTML', () => {
    const mail = buildAlertMail(input('closedWithDebutSupFin', { groupId: '<b>75' }));
    expect(mail?.html).toContain('(unité départementale &lt;b&gt;75)');
    expect(mail?.html).not.toContain('<b>75');
  });

  it.each([
    ['75', 'UD75'],
    ['02', 'UD02'],
    ['2A', 'UD2A'],
  ])('names the département %s as %s in the subject', (groupId, ud) => {
    expect(buildAlertMail(input('closedWithDebutSupFin', { dossierId: 4518237, groupId }))?.subject).toBe(
      `Erreur sur votre APT WorkInFrance nº4518237 / ${ud}`,
    );
  });

  it.each(ALERT_TYPES.filter((t) => !(MAILED_ALERT_TYPES as readonly string[]).includes(t)))(
    '%s sends no mail',
    (alertType) => {
      expect(buildAlertMail(input(alertType))).toBeNull();
    },
  );

  it('mails exactly the three closed-with-bad-dates types', () => {
    expect(ALERT_TYPES.filter((t) => buildAlertMail(input(t)) !== null)).toEqual([
      'closedWithoutDateDebutOrDateFin',
      'closedWithDebutSupFin',
      'closedWithSupOneYear',
    ]);
  });
});
