import { ALERT_TYPES, AlertType, MAILED_ALERT_TYPES } from './alert-type';
import { ALERT_MAIL_SIGNATURE, AlertMailInput, buildAlertMail } from './alert-mail.templates';

const input = (alertType: AlertType, overrides: Partial<AlertMailInput> = {}): AlertMailInput => ({
  alertType,
  dossierId: 502017,
  groupId: '75',
  dateDebutApt: '2019-01-01',
  ...overrides,
});

const SIGNATURE = `Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`;

const L242_1 =
  "Selon l'article L.242-1 du Code des relations entre le public et l'administration (https://www.legifrance.gouv.fr/affichCodeArticle.do?cidTexte=LEGITEXT000031366350&idArticle=LEGIARTI000031367657&dateTexte=&categorieLien=cid) l'administration ne peut revenir sur une décision créatrice de droits. Ainsi, les agents du service de la main d'oeuvre étrangère de la Direccte ne peuvent revenir sur cette décision.";

describe('buildAlertMail', () => {
  it('mails a missing APT date', () => {
    expect(buildAlertMail(input('closedWithoutDateDebutOrDateFin'))).toEqual({
      subject: 'Erreur sur votre APT WorkInFrance nº502017 / UD75',
      text: `Bonjour,

Nous avons identifié une erreur sur votre autorisation provisoire de travail nº502017. En effet, il n'y a pas de date de début et/ou de date de fin sur votre autorisation qui, par conséquent, n'est pas valide.

Selon l'article L.242-1 du Code des relations entre le public et l'administration (https://www.legifrance.gouv.fr/affichCodeArticle.do?cidTexte=LEGITEXT000031366350&idArticle=LEGIARTI000031367657&dateTexte=&categorieLien=cid) l'administration ne peut revenir sur une décision créatrice de droits. Ainsi, les agents du service de la main d'oeuvre étrangère de la Direccte ne peuvent revenir sur cette décision.

Nous vous suggérons de déposer un nouveau dossier le plus rapidement possible.

Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`,
    });
  });

  it('mails an end date before the start date', () => {
    expect(buildAlertMail(input('closedWithDebutSupFin'))).toEqual({
      subject: 'Erreur sur votre APT WorkInFrance nº502017 / UD75',
      text: `Bonjour,

Nous avons identifié une erreur sur votre autorisation provisoire de travail nº502017. En effet, la date de fin est antérieure à la date de début de votre autorisation qui, par conséquent, n'est pas valide.

Selon l'article L.242-1 du Code des relations entre le public et l'administration (https://www.legifrance.gouv.fr/affichCodeArticle.do?cidTexte=LEGITEXT000031366350&idArticle=LEGIARTI000031367657&dateTexte=&categorieLien=cid) l'administration ne peut revenir sur une décision créatrice de droits. Ainsi, les agents du service de la main d'oeuvre étrangère de la Direccte ne peuvent revenir sur cette décision.

Nous vous suggérons de déposer un nouveau dossier le plus rapidement possible.

Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`,
    });
  });

  it('mails an APT over 12 months with the date to file a new dossier (start + 330 days, no final period)', () => {
    expect(buildAlertMail(input('closedWithSupOneYear'))).toEqual({
      subject: 'Erreur sur votre APT WorkInFrance nº502017 / UD75',
      text: `Bonjour,

Nous avons identifié une erreur sur votre autorisation provisoire de travail nº502017. En effet, la durée de votre autorisation est supérieure à 12 mois.

Selon l'alinéa 14 de l'article R.5221-3 du Code du travail (https://www.legifrance.gouv.fr/affichCodeArticle.do?idArticle=LEGIARTI000038189414&cidTexte=LEGITEXT000006072050&dateTexte=20190301) une autorisation provisoire de travail a une durée maximale de douze mois.

Nous vous suggérons de déposer un nouveau dossier à partir du 27/11/2019

Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`,
    });
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
    expect(mail?.text).toContain(
      `\n\nNous vous suggérons de déposer un nouveau dossier à partir du ${expected}\n\nBonne journée,`,
    );
  });

  it.each([null, '', 'bientôt', '2021-02-30', '01/01/2019'])(
    'states the rule instead of a date when the start date is %j',
    (dateDebutApt) => {
      const mail = buildAlertMail(input('closedWithSupOneYear', { dateDebutApt }));
      expect(mail?.text).toBe(`Bonjour,

Nous avons identifié une erreur sur votre autorisation provisoire de travail nº502017. En effet, la durée de votre autorisation est supérieure à 12 mois.

Selon l'alinéa 14 de l'article R.5221-3 du Code du travail (https://www.legifrance.gouv.fr/affichCodeArticle.do?idArticle=LEGIARTI000038189414&cidTexte=LEGITEXT000006072050&dateTexte=20190301) une autorisation provisoire de travail a une durée maximale de douze mois.

Nous vous suggérons de déposer un nouveau dossier 330 jours après la date de début de votre autorisation.

Bonne journée,


L'équipe WorkInFrance


—


Merci de ne pas répondre à cet email`);
    },
  );

  it('does not need the start date for the other two mails', () => {
    for (const alertType of ['closedWithoutDateDebutOrDateFin', 'closedWithDebutSupFin'] as const) {
      const withDate = buildAlertMail(input(alertType));
      expect(buildAlertMail(input(alertType, { dateDebutApt: null }))).toEqual(withDate);
      expect(withDate?.text).toContain(`\n\n${L242_1}\n\n`);
    }
  });

  it.each([
    ['75', 'UD75'],
    ['02', 'UD02'],
    ['2A', 'UD2A'],
  ])('names the département %s as %s in the subject (B5: no extra 0)', (groupId, ud) => {
    expect(buildAlertMail(input('closedWithDebutSupFin', { dossierId: 4518237, groupId }))?.subject).toBe(
      `Erreur sur votre APT WorkInFrance nº4518237 / ${ud}`,
    );
  });

  it.each(MAILED_ALERT_TYPES)('%s uses only nº (U+00BA), never n° (U+00B0) (B24)', (alertType) => {
    const mail = buildAlertMail(input(alertType));
    expect(mail?.subject).toContain('\u00ba502017');
    expect(mail?.text).toContain('travail n\u00ba502017.');
    expect(`${mail?.subject}${mail?.text}`).not.toContain('\u00b0');
  });

  it.each(MAILED_ALERT_TYPES)('%s starts with the greeting and ends with the signature', (alertType) => {
    const text = buildAlertMail(input(alertType))?.text ?? '';
    expect(text.startsWith('Bonjour,\n\nNous avons identifié')).toBe(true);
    expect(text.endsWith(`\n\n${SIGNATURE}`)).toBe(true);
    // Three paragraphs between greeting and signature, each separated by exactly one blank line.
    const body = text.slice('Bonjour,\n\n'.length, -`\n\n${SIGNATURE}`.length);
    expect(body.split('\n\n')).toHaveLength(3);
    expect(body).not.toMatch(/^\s|\s$|\n\n\n|(?<!\n)\n(?!\n)/);
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

describe('ALERT_MAIL_SIGNATURE', () => {
  it('keeps the exact line structure of the original', () => {
    expect(ALERT_MAIL_SIGNATURE).toBe(SIGNATURE);
    expect(ALERT_MAIL_SIGNATURE.split('\n')).toEqual([
      'Bonne journée,',
      '',
      '',
      "L'équipe WorkInFrance",
      '',
      '',
      '—',
      '',
      '',
      'Merci de ne pas répondre à cet email',
    ]);
    expect(ALERT_MAIL_SIGNATURE).toContain('\u2014');
  });
});
