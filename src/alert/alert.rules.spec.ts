import { Champ, Dossier, DossierMessage, LABELS } from '../dossier-source/dossier';
import { ALERT_TYPES } from './alert-type';
import {
  AlertSettings,
  aptDays,
  evaluateAlerts,
  hasAptEndBeforeStart,
  hasAptLongerThanOneYear,
  hasMissingAptDate,
  isDelayTooLong,
  isInstructorEmail,
  isMessageSentAfterDecision,
  alertMailDeadline,
  shouldBlockAlertMail,
} from './alert.rules';

const SETTINGS: AlertSettings = {
  maxInitiatedDays: 7,
  maxReceivedDays: 7,
  administrationDomains: ['direccte.gouv.fr', 'dreets.gouv.fr'],
};
const DOMAINS = SETTINGS.administrationDomains;

const PROCESSED_AT = new Date('2020-09-17T09:42:33.001Z');
const NOW = new Date('2020-09-21T10:00:00.000Z');
const APPLICANT = 'rh.recrutement@exemple-sas.fr';
const INSTRUCTOR = 'paul.durand@direccte.gouv.fr';

const after = (ms: number): Date => new Date(PROCESSED_AT.getTime() + ms);
const msg = (email: string, createdAt: Date | null): DossierMessage => ({ email, createdAt });

function aptAnnotations(start: string | null | undefined, end: string | null | undefined): Champ[] {
  const champs: Champ[] = [];
  // `undefined` leaves the annotation out entirely, `null`/'' keep it present but unfilled, as DS does.
  if (start !== undefined) champs.push({ libelle: LABELS.dateDebutApt, value: start });
  if (end !== undefined) champs.push({ libelle: LABELS.dateFinApt, value: end });
  champs.push({ libelle: "Cadre réservé à l'administration", value: '' });
  return champs;
}

/**
 * A healthy accepted Paris autorisation (docs/domain.md#dossiers) that raises nothing; override what a test is
 * about.
 */
function dossier(overrides: Partial<Dossier> = {}): Dossier {
  return {
    dsKey: '14131-4518237',
    procedureId: 14131,
    dossierId: 4518237,
    state: 'closed',
    archived: true,
    group: { id: '75', label: '75 - Paris', type: 'autorisation' },
    email: APPLICANT,
    instructeurs: [INSTRUCTOR],
    instructorsHistory: ['claire.martin@direccte.gouv.fr', INSTRUCTOR],
    siret: '81234567800021',
    createdAt: new Date('2020-09-14T08:12:45.120Z'),
    initiatedAt: new Date('2020-09-14T08:31:02.456Z'),
    receivedAt: new Date('2020-09-16T13:05:10.789Z'),
    processedAt: PROCESSED_AT,
    lastModified: new Date('2020-09-21T08:10:03.512Z'),
    champs: [{ libelle: LABELS.nom, value: 'Nguyen' }],
    champsPrivate: aptAnnotations('2020-09-21', '2021-06-30'),
    messages: [
      msg('contact@demarches-simplifiees.fr', new Date('2020-09-14T08:31:05.010Z')),
      msg(INSTRUCTOR, new Date('2020-09-16T13:20:41.870Z')),
      msg(APPLICANT, new Date('2020-09-16T15:02:10.004Z')),
      msg('contact@demarches-simplifiees.fr', new Date('2020-09-17T09:42:35.290Z')),
    ],
    ...overrides,
  };
}

const withApt = (start: string | null | undefined, end: string | null | undefined, overrides: Partial<Dossier> = {}) =>
  dossier({ champsPrivate: aptAnnotations(start, end), ...overrides });

const introduction = { id: '75', label: '75 - Paris', type: 'introduction' as const };

describe('the healthy reference dossier', () => {
  it('raises no alert', () => {
    expect(evaluateAlerts(dossier(), NOW, SETTINGS)).toEqual([]);
  });
});

describe('closed: missing or invalid APT date', () => {
  it.each([
    ['start absent', undefined, '2021-06-30'],
    ['start empty', '', '2021-06-30'],
    ['start blank', '   ', '2021-06-30'],
    ['start null', null, '2021-06-30'],
    ['end absent', '2020-09-21', undefined],
    ['end empty', '2020-09-21', ''],
    ['end null', '2020-09-21', null],
    ['both absent', undefined, undefined],
    ['start not a date', 'bientôt', '2021-06-30'],
    ['start not a real day', '2021-02-30', '2021-06-30'],
    ['start in French format', '21/09/2020', '2021-06-30'],
    ['start with a time', '2020-09-21T00:00:00Z', '2021-06-30'],
    ['end not a real day', '2020-09-21', '2021-13-01'],
  ])('%s raises closedWithoutDateDebutOrDateFin only', (_, start, end) => {
    const d = withApt(start, end);
    expect(hasMissingAptDate(d)).toBe(true);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithoutDateDebutOrDateFin']);
  });

  it('accepts a 29 February that exists', () => {
    expect(hasMissingAptDate(withApt('2020-02-29', '2020-12-31'))).toBe(false);
  });

  it('reads dates surrounded by spaces', () => {
    expect(aptDays(withApt(' 2020-09-21 ', '2021-06-30\n'))).toEqual({ start: '2020-09-21', end: '2021-06-30' });
  });

  it('reads the first annotation with the exact label', () => {
    const d = dossier({
      champsPrivate: [
        { libelle: 'date de début apt', value: 'n/a' },
        { libelle: LABELS.dateDebutApt, value: '2020-09-21' },
        { libelle: LABELS.dateDebutApt, value: 'ignored' },
        { libelle: LABELS.dateFinApt, value: '2021-06-30' },
      ],
    });
    expect(aptDays(d)).toEqual({ start: '2020-09-21', end: '2021-06-30' });
  });

  it('does not look at public champs for APT dates', () => {
    const d = dossier({
      champs: [
        { libelle: LABELS.dateDebutApt, value: '2020-09-21' },
        { libelle: LABELS.dateFinApt, value: '2021-06-30' },
      ],
      champsPrivate: [],
    });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithoutDateDebutOrDateFin']);
  });
});

describe('closed: end before start', () => {
  it('raises when the end is one day before the start', () => {
    const d = withApt('2020-09-21', '2020-09-20');
    expect(hasAptEndBeforeStart(d)).toBe(true);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithDebutSupFin']);
  });

  it('accepts end = start (a one-day APT)', () => {
    expect(evaluateAlerts(withApt('2020-09-21', '2020-09-21'), NOW, SETTINGS)).toEqual([]);
  });

  it('compares calendar days, not strings of different shapes', () => {
    expect(hasAptEndBeforeStart(withApt('2020-12-31', '2021-01-01'))).toBe(false);
    expect(hasAptEndBeforeStart(withApt('2021-01-01', '2020-12-31'))).toBe(true);
  });

  it('is not checked when a date is invalid (the missing-date alert covers it)', () => {
    expect(hasAptEndBeforeStart(withApt('2021-02-30', '2021-01-01'))).toBe(false);
    expect(evaluateAlerts(withApt('2021-02-30', '2021-01-01'), NOW, SETTINGS)).toEqual([
      'closedWithoutDateDebutOrDateFin',
    ]);
  });
});

describe('closed: longer than 12 months (apt-limit-is-twelve-calendar-months)', () => {
  it.each([
    ['2020-01-01', '2021-01-01', false],
    ['2020-01-01', '2021-01-02', true],
    ['2020-01-01', '2020-12-31', false],
    ['2018-01-01', '2019-02-01', true],
    ['2019-01-31', '2020-01-31', false],
    ['2019-01-31', '2020-02-01', true],
    // 12 months after 29 February is 28 February, so the 1st of March is one day too many.
    ['2020-02-29', '2021-02-28', false],
    ['2020-02-29', '2021-03-01', true],
    // Across both DST changes: calendar days, not hours.
    ['2020-03-29', '2021-03-29', false],
    ['2020-03-29', '2021-03-30', true],
    ['2020-10-25', '2021-10-25', false],
    ['2020-10-25', '2021-10-26', true],
  ])('%s → %s raises: %s', (start, end, raises) => {
    const d = withApt(start, end);
    expect(hasAptLongerThanOneYear(d)).toBe(raises);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(raises ? ['closedWithSupOneYear'] : []);
  });

  it('is not checked when a date is invalid', () => {
    expect(hasAptLongerThanOneYear(withApt('2020-01-01', '2031-02-30'))).toBe(false);
  });
});

describe('introductions carry no APT dates', () => {
  it.each([
    ['no annotations', undefined, undefined],
    ['empty annotations', '', ''],
    ['garbage', 'bientôt', 'jamais'],
    ['end before start', '2021-01-02', '2021-01-01'],
    ['over 12 months', '2020-01-01', '2022-01-01'],
  ])('%s: no APT-date alert', (_, start, end) => {
    const d = withApt(start, end, { group: introduction });
    expect(hasMissingAptDate(d)).toBe(false);
    expect(hasAptEndBeforeStart(d)).toBe(false);
    expect(hasAptLongerThanOneYear(d)).toBe(false);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([]);
  });

  it('still raises the message-after-decision alert', () => {
    const d = withApt(undefined, undefined, { group: introduction, messages: [msg(APPLICANT, after(1000))] });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedAndMessageReceived']);
  });

  it('treats a dossier without group as an autorisation, as the original did', () => {
    expect(evaluateAlerts(withApt(undefined, '2021-06-30', { group: null }), NOW, SETTINGS)).toEqual([
      'closedWithoutDateDebutOrDateFin',
    ]);
  });
});

describe('message after decision (instructors-recognised-by-history-and-domains)', () => {
  const withMessages = (messages: DossierMessage[], overrides: Partial<Dossier> = {}) =>
    dossier({ messages, ...overrides });

  it('raises when the applicant writes after the decision', () => {
    const d = withMessages([msg(INSTRUCTOR, after(-60_000)), msg(APPLICANT, after(86_400_000))]);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(true);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedAndMessageReceived']);
  });

  it('does not raise when the message is before the decision', () => {
    expect(isMessageSentAfterDecision(withMessages([msg(APPLICANT, after(-1))]), DOMAINS)).toBe(false);
  });

  it('does not raise when the message is at the exact decision instant', () => {
    expect(isMessageSentAfterDecision(withMessages([msg(APPLICANT, after(0))]), DOMAINS)).toBe(false);
  });

  it('raises one millisecond after the decision', () => {
    expect(isMessageSentAfterDecision(withMessages([msg(APPLICANT, after(1))]), DOMAINS)).toBe(true);
  });

  it('requires the dossier to be archived', () => {
    const d = withMessages([msg(APPLICANT, after(1000))], { archived: false });
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(false);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([]);
  });

  it('requires a decision date', () => {
    expect(
      isMessageSentAfterDecision(withMessages([msg(APPLICANT, after(1000))], { processedAt: null }), DOMAINS),
    ).toBe(false);
  });

  it('does not raise without messages', () => {
    expect(isMessageSentAfterDecision(withMessages([]), DOMAINS)).toBe(false);
  });

  it('ignores DS notifications, whatever their case', () => {
    const d = withMessages([
      msg(APPLICANT, after(1000)),
      msg('contact@demarches-simplifiees.fr', after(2000)),
      msg(' Contact@Demarches-Simplifiees.FR ', after(3000)),
    ]);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(true);
  });

  it('does not raise when only DS wrote after the decision', () => {
    const d = withMessages([msg(APPLICANT, after(-1000)), msg('contact@demarches-simplifiees.fr', after(2000))]);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(false);
  });

  it('does not raise when an instructor answered the applicant last', () => {
    const d = withMessages([msg(APPLICANT, after(1000)), msg(INSTRUCTOR, after(2000))]);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(false);
  });

  it('looks only at the last message, not the latest date (array order is chronological)', () => {
    const d = withMessages([msg(APPLICANT, after(5000)), msg(APPLICANT, after(-5000))]);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(false);
  });

  it.each([
    [
      'in the instructors history, other domain',
      'agent@prefecture.example.org',
      { instructorsHistory: ['Agent@Prefecture.example.org'] },
    ],
    [
      'following the dossier, other domain',
      'agent@prefecture.example.org',
      { instructeurs: ['agent@prefecture.example.org'] },
    ],
    ['on an administration domain', 'paul@direccte.gouv.fr', {}],
    ['on an administration domain, upper case', 'PAUL@DIRECCTE.GOUV.FR', {}],
    ['on a subdomain of an administration domain', 'x@idf.dreets.gouv.fr', {}],
    ['on the renamed administration domain', 'x@dreets.gouv.fr', {}],
  ])('an instructor %s is not the applicant', (_, sender, overrides: Partial<Dossier>) => {
    const d = withMessages([msg(sender, after(1000))], { instructeurs: [], instructorsHistory: [], ...overrides });
    expect(isInstructorEmail(sender, d, DOMAINS)).toBe(true);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(false);
  });

  it.each([
    ['a lookalike domain', 'x@notdireccte.gouv.fr'],
    ['an administration domain used as a subdomain', 'x@direccte.gouv.fr.example.com'],
    ['a parent of an administration domain', 'x@gouv.fr'],
    ['a local part that looks like a domain', 'direccte.gouv.fr@example.com'],
    ['no domain at all', 'direccte.gouv.fr'],
    ['an empty sender', ''],
  ])('a sender with %s counts as the applicant', (_, sender) => {
    const d = withMessages([msg(sender, after(1000))], { instructeurs: [], instructorsHistory: [] });
    expect(isInstructorEmail(sender, d, DOMAINS)).toBe(false);
    expect(isMessageSentAfterDecision(d, DOMAINS)).toBe(true);
  });

  it('accepts domains written with surrounding noise and ignores empty ones', () => {
    const d = dossier({ instructeurs: [], instructorsHistory: [] });
    expect(isInstructorEmail('x@idf.dreets.gouv.fr', d, [' @DREETS.gouv.fr '])).toBe(true);
    expect(isInstructorEmail('x@example.com', d, ['', '  ', '.'])).toBe(false);
  });

  it('uses the administration domains from the settings', () => {
    const d = withMessages([msg('paul@direccte.gouv.fr', after(1000))], { instructeurs: [], instructorsHistory: [] });
    expect(evaluateAlerts(d, NOW, { ...SETTINGS, administrationDomains: [] })).toEqual(['closedAndMessageReceived']);
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([]);
  });

  it.each([
    ['refused', 'refusedAndMessageReceived'],
    ['without_continuation', 'withoutContinuationAndMessageReceived'],
  ])('%s raises %s', (state, alert) => {
    const d = withMessages([msg(APPLICANT, after(1000))], { state });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([alert]);
  });

  it.each(['refused', 'without_continuation'])('%s never raises APT-date alerts', (state) => {
    expect(evaluateAlerts(withApt(undefined, undefined, { state }), NOW, SETTINGS)).toEqual([]);
  });

  it.each(['initiated', 'received'])('%s never raises a message alert', (state) => {
    const d = withMessages([msg(APPLICANT, after(1000))], { state, initiatedAt: null, receivedAt: null });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([]);
  });
});

describe('delay too long (delay-alerts-fire-after-max-days, paris-calendar-day-arithmetic)', () => {
  // Paris is UTC+1 in winter and UTC+2 in summer; the instants below are written in UTC.
  const received = (receivedAt: Date | null) => dossier({ state: 'received', receivedAt, processedAt: null });
  const initiated = (initiatedAt: Date | null) => dossier({ state: 'initiated', initiatedAt, processedAt: null });

  it('fires on day 8, not day 7, with the default of 7', () => {
    const at = new Date('2021-01-04T10:00:00Z');
    expect(evaluateAlerts(received(at), new Date('2021-01-11T22:59:59Z'), SETTINGS)).toEqual([]);
    expect(evaluateAlerts(received(at), new Date('2021-01-11T23:00:00Z'), SETTINGS)).toEqual([
      'receivedAndDelayTooLong',
    ]);
  });

  it('counts calendar days, not 24-hour periods', () => {
    // Only 7 days and 1.5 hours have elapsed, but the calendar in Paris has moved on 8 days.
    const at = new Date('2021-01-04T22:00:00Z'); // 23:00 Paris
    expect(isDelayTooLong(at, new Date('2021-01-11T23:30:00Z'), 7)).toBe(true); // 12 Jan 00:30 Paris
  });

  it('crosses the last Sunday of October (31 Oct 2021) without drift', () => {
    const at = new Date('2021-10-25T08:00:00Z'); // 10:00 Paris, summer time
    expect(isDelayTooLong(at, new Date('2021-11-01T22:59:00Z'), 7)).toBe(false); // 1 Nov 23:59 Paris
    // 2 Nov 00:30 Paris while it is still 1 Nov in UTC.
    expect(evaluateAlerts(received(at), new Date('2021-11-01T23:30:00Z'), SETTINGS)).toEqual([
      'receivedAndDelayTooLong',
    ]);
  });

  it('crosses the last Sunday of March (28 Mar 2021) without drift', () => {
    const at = new Date('2021-03-25T09:00:00Z'); // 10:00 Paris, winter time
    expect(isDelayTooLong(at, new Date('2021-04-01T21:59:00Z'), 7)).toBe(false); // 1 Apr 23:59 Paris
    expect(isDelayTooLong(at, new Date('2021-04-01T22:30:00Z'), 7)).toBe(true); // 2 Apr 00:30 Paris
  });

  it('takes the start day in Paris, not in UTC', () => {
    // 25 Oct 00:30 in Paris is still 24 Oct in UTC; a UTC count would say 8 days on 1 Nov.
    const at = new Date('2021-10-24T22:30:00Z');
    expect(isDelayTooLong(at, new Date('2021-11-01T12:00:00Z'), 7)).toBe(false);
    expect(isDelayTooLong(at, new Date('2021-11-01T23:00:00Z'), 7)).toBe(true); // 2 Nov 00:00 Paris
  });

  it('does not fire for a date in the future (the original argument order)', () => {
    expect(isDelayTooLong(new Date('2021-02-01T10:00:00Z'), new Date('2021-01-01T10:00:00Z'), 7)).toBe(false);
  });

  it('does not fire without a date', () => {
    expect(evaluateAlerts(received(null), new Date('2030-01-01T00:00:00Z'), SETTINGS)).toEqual([]);
    expect(evaluateAlerts(initiated(null), new Date('2030-01-01T00:00:00Z'), SETTINGS)).toEqual([]);
  });

  it('measures initiated dossiers from initiatedAt with maxInitiatedDays', () => {
    const settings = { ...SETTINGS, maxInitiatedDays: 3, maxReceivedDays: 30 };
    const d = dossier({
      state: 'initiated',
      initiatedAt: new Date('2021-01-04T10:00:00Z'),
      receivedAt: null,
      processedAt: null,
    });
    expect(evaluateAlerts(d, new Date('2021-01-07T10:00:00Z'), settings)).toEqual([]);
    expect(evaluateAlerts(d, new Date('2021-01-08T10:00:00Z'), settings)).toEqual(['initiatedAndDelayTooLong']);
  });

  it('measures received dossiers from receivedAt with maxReceivedDays', () => {
    const settings = { ...SETTINGS, maxInitiatedDays: 3, maxReceivedDays: 10 };
    const d = dossier({
      state: 'received',
      initiatedAt: new Date('2020-01-01T10:00:00Z'),
      receivedAt: new Date('2021-01-04T10:00:00Z'),
      processedAt: null,
    });
    expect(evaluateAlerts(d, new Date('2021-01-14T10:00:00Z'), settings)).toEqual([]);
    expect(evaluateAlerts(d, new Date('2021-01-15T10:00:00Z'), settings)).toEqual(['receivedAndDelayTooLong']);
  });

  it('is not raised for decided dossiers however old', () => {
    const old = new Date('2019-01-01T10:00:00Z');
    expect(evaluateAlerts(dossier({ initiatedAt: old, receivedAt: old }), NOW, SETTINGS)).toEqual([]);
  });
});

describe('other states', () => {
  it.each(['brouillon', 'draft', '', 'CLOSED', 'accepte'])('%j raises nothing', (state) => {
    const d = withApt(undefined, undefined, {
      state,
      messages: [msg(APPLICANT, after(1000))],
      initiatedAt: new Date('2019-01-01T00:00:00Z'),
      receivedAt: new Date('2019-01-01T00:00:00Z'),
    });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual([]);
  });
});

describe('several alerts at once', () => {
  it('over 12 months and a message after the decision', () => {
    const d = withApt('2020-01-01', '2021-06-01', { messages: [msg(APPLICANT, after(1000))] });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithSupOneYear', 'closedAndMessageReceived']);
  });

  it('a missing date and a message after the decision', () => {
    const d = withApt('bientôt', '2021-06-30', { messages: [msg(APPLICANT, after(1000))] });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithoutDateDebutOrDateFin', 'closedAndMessageReceived']);
  });

  it('end before start and a message after the decision', () => {
    const d = withApt('2021-06-30', '2020-09-21', { messages: [msg(APPLICANT, after(1000))] });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithDebutSupFin', 'closedAndMessageReceived']);
  });
});

describe('broken dossiers never throw', () => {
  const invalid = new Date('not a date');
  const broken: [string, Partial<Dossier>][] = [
    ['invalid dates everywhere', { initiatedAt: invalid, receivedAt: invalid, processedAt: invalid }],
    ['invalid message date', { messages: [msg(APPLICANT, invalid)] }],
    ['null message date', { messages: [msg(APPLICANT, null)] }],
    ['message without email', { messages: [{ createdAt: after(1000) } as unknown as DossierMessage] }],
    [
      'message with a numeric email',
      { messages: [{ email: 42, createdAt: after(1000) } as unknown as DossierMessage] },
    ],
    ['null message', { messages: [null as unknown as DossierMessage] }],
    ['messages missing', { messages: undefined as unknown as DossierMessage[] }],
    [
      'instructor lists missing',
      { instructeurs: undefined as unknown as string[], instructorsHistory: null as unknown as string[] },
    ],
    ['instructor lists with garbage', { instructeurs: [null, 3] as unknown as string[] }],
    ['annotations missing', { champsPrivate: undefined as unknown as Champ[] }],
    [
      'annotation value not a string',
      { champsPrivate: [{ libelle: LABELS.dateDebutApt, value: 20200921 } as unknown as Champ] },
    ],
    ['null annotation', { champsPrivate: [null as unknown as Champ] }],
    ['no group', { group: null }],
    ['archived missing', { archived: undefined as unknown as boolean }],
  ];
  const states = ['closed', 'refused', 'without_continuation', 'received', 'initiated', 'unknown'];

  it.each(broken)('%s', (_, overrides) => {
    for (const state of states) {
      const d = dossier({ state, ...overrides });
      expect(() => evaluateAlerts(d, NOW, SETTINGS)).not.toThrow();
      expect(() => evaluateAlerts(d, invalid, SETTINGS)).not.toThrow();
      for (const alert of evaluateAlerts(d, NOW, SETTINGS)) expect(ALERT_TYPES).toContain(alert);
    }
  });

  it('treats unreadable annotations as missing APT dates', () => {
    const d = dossier({ champsPrivate: undefined as unknown as Champ[] });
    expect(evaluateAlerts(d, NOW, SETTINGS)).toEqual(['closedWithoutDateDebutOrDateFin']);
  });

  it('survives settings without domains', () => {
    const settings = { ...SETTINGS, administrationDomains: undefined as unknown as string[] };
    const d = dossier({ messages: [msg(APPLICANT, after(1000))] });
    expect(evaluateAlerts(d, NOW, settings)).toEqual(['closedAndMessageReceived']);
  });
});

describe('shouldBlockAlertMail', () => {
  const decidedAt = new Date('2021-06-10T09:00:00Z');
  const plus = (ms: number) => new Date(decidedAt.getTime() + ms);
  const MINUTE = 60_000;
  const DAY = 86_400_000;

  it('does not block by age without a decision date', () => {
    expect(shouldBlockAlertMail(null, new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });

  it('does not block just after the decision', () => {
    expect(shouldBlockAlertMail(decidedAt, decidedAt)).toBe(false);
    expect(shouldBlockAlertMail(decidedAt, plus(2 * DAY))).toBe(false);
  });

  it('does not block at 2 days 23:59', () => {
    expect(shouldBlockAlertMail(decidedAt, plus(3 * DAY - MINUTE))).toBe(false);
  });

  it('blocks at exactly 3 days and after', () => {
    expect(shouldBlockAlertMail(decidedAt, plus(3 * DAY))).toBe(true);
    expect(shouldBlockAlertMail(decidedAt, plus(30 * DAY))).toBe(true);
  });

  it('counts elapsed time, not calendar days', () => {
    // Decided late on the 10th, checked early on the 13th in Paris: three calendar days, but not three whole days.
    expect(shouldBlockAlertMail(new Date('2021-06-10T21:00:00Z'), new Date('2021-06-13T05:00:00Z'))).toBe(false);
  });

  it('does not block a decision dated in the future', () => {
    expect(shouldBlockAlertMail(plus(10 * DAY), decidedAt)).toBe(false);
  });

  it('does not throw on invalid dates', () => {
    expect(shouldBlockAlertMail(new Date('nope'), decidedAt)).toBe(false);
    expect(shouldBlockAlertMail(decidedAt, new Date('nope'))).toBe(false);
  });
});

describe('alertMailDeadline', () => {
  const decidedAt = new Date('2021-06-10T09:00:00Z');

  it('is the first instant at which the mail is blocked', () => {
    const deadline = alertMailDeadline(decidedAt);
    expect(deadline).toEqual(new Date('2021-06-13T09:00:00Z'));
    expect(shouldBlockAlertMail(decidedAt, new Date(deadline!.getTime() - 1))).toBe(false);
    expect(shouldBlockAlertMail(decidedAt, deadline!)).toBe(true);
  });

  it('is null without a usable decision date', () => {
    expect(alertMailDeadline(null)).toBeNull();
    expect(alertMailDeadline(new Date('nope'))).toBeNull();
  });
});
