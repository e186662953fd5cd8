import { Dossier } from '../dossier-source/dossier';
import { Alert } from './alert';
import { alertDedupeKey, buildAlert, buildAlertMailEntry } from './alert.builder';

const NOW = new Date('2021-03-10T09:00:00Z');
const CONTACT = 'contact@workinfrance.beta.gouv.fr';
const DS = 'https://www.demarches-simplifiees.fr';

const dossier: Dossier = {
  dsKey: '14131-502017',
  procedureId: 14131,
  dossierId: 502017,
  state: 'closed',
  archived: true,
  group: { id: '75', label: '75 - Paris', type: 'autorisation' },
  email: 'rh@exemple.fr',
  instructeurs: ['paul.durand@direccte.gouv.fr'],
  instructorsHistory: ['claire.martin@direccte.gouv.fr', 'paul.durand@direccte.gouv.fr'],
  siret: null,
  createdAt: null,
  initiatedAt: null,
  receivedAt: null,
  processedAt: new Date('2021-03-09T15:00:00Z'),
  lastModified: null,
  champs: [],
  champsPrivate: [
    { libelle: 'Date de début APT', value: ' 2021-03-15 ' },
    { libelle: 'Date de fin APT', value: '2021-03-01' },
  ],
  messages: [],
};

const alert = (overrides: Partial<Alert> = {}): Alert => ({
  ...buildAlert(dossier, 'closedWithDebutSupFin', 'https://www.demarches-simplifiees.fr'),
  ...overrides,
});

describe('buildAlert', () => {
  it('keeps what the workbook and the mail need of the dossier', () => {
    expect(alert()).toEqual({
      dsKey: '14131-502017',
      alertType: 'closedWithDebutSupFin',
      message: 'dossier accepté, date de fin APT antérieure à Date de début APT',
      url: 'https://www.demarches-simplifiees.fr/procedures/14131/dossiers/502017',
      group: { id: '75', label: '75 - Paris', type: 'autorisation' },
      state: 'closed',
      instructorsHistory: ['claire.martin@direccte.gouv.fr', 'paul.durand@direccte.gouv.fr'],
      emailUsager: 'rh@exemple.fr',
      emailInstructors: ['paul.durand@direccte.gouv.fr'],
      dateDebutApt: '2021-03-15',
      processedAt: new Date('2021-03-09T15:00:00Z'),
    });
  });

  it('stores an empty group for a dossier of a procedure without group', () => {
    const orphan = buildAlert({ ...dossier, group: null }, 'closedWithDebutSupFin', 'https://ds.example');
    expect(orphan.group).toEqual({ id: '', label: '', type: 'autorisation' });
  });
});

describe('buildAlertMailEntry', () => {
  it('mails the applicant, the following instructors in copy and the contact address in blind copy', () => {
    const entry = buildAlertMailEntry(alert(), 502017, NOW, CONTACT, DS);
    expect(entry).toMatchObject({
      dedupeKey: 'alert:14131-502017:closedWithDebutSupFin',
      kind: 'alert',
      state: 'to_send',
      notAfter: new Date('2021-03-12T15:00:00Z'),
      mail: {
        to: ['rh@exemple.fr'],
        cc: ['paul.durand@direccte.gouv.fr'],
        bcc: [CONTACT],
        subject: 'Erreur sur votre APT WorkInFrance nº502017 / UD75',
      },
    });
    expect(entry?.mail.text).toContain('sa date de fin est antérieure à sa date de début');
    expect(entry?.mail.html).toContain('sa date de fin est antérieure à sa date de début');
    expect(entry?.mail.html).toContain('href="https://www.demarches-simplifiees.fr/dossiers/502017"');
  });

  it('writes each address once, the applicant first, and drops what is not an address', () => {
    const entry = buildAlertMailEntry(
      alert({
        emailUsager: ' RH@exemple.fr ',
        emailInstructors: ['rh@exemple.fr', 'paul.durand@direccte.gouv.fr', 'PAUL.durand@direccte.gouv.fr', 'n/a', ''],
      }),
      502017,
      NOW,
      'paul.durand@direccte.gouv.fr',
      DS,
    );
    expect(entry?.mail).toMatchObject({ to: ['RH@exemple.fr'], cc: ['paul.durand@direccte.gouv.fr'], bcc: [] });
  });

  it('records the mail blocked when the decision is more than 2 days old', () => {
    const entry = buildAlertMailEntry(alert(), 502017, new Date('2021-03-12T15:00:00Z'), CONTACT, DS);
    expect(entry?.state).toBe('blocked');
    expect(buildAlertMailEntry(alert(), 502017, new Date('2021-03-12T14:59:00Z'), CONTACT, DS)?.state).toBe('to_send');
  });

  it('records the mail blocked when there is no applicant address', () => {
    expect(buildAlertMailEntry(alert({ emailUsager: null }), 502017, NOW, CONTACT, DS)?.state).toBe('blocked');
    expect(buildAlertMailEntry(alert({ emailUsager: 'pas une adresse' }), 502017, NOW, CONTACT, DS)?.state).toBe(
      'blocked',
    );
  });

  it('has no deadline without a decision date', () => {
    expect(buildAlertMailEntry(alert({ processedAt: null }), 502017, NOW, CONTACT, DS)).toMatchObject({
      state: 'to_send',
      notAfter: null,
    });
  });

  it('mails nobody for the five other types', () => {
    for (const alertType of [
      'closedAndMessageReceived',
      'refusedAndMessageReceived',
      'withoutContinuationAndMessageReceived',
      'receivedAndDelayTooLong',
      'initiatedAndDelayTooLong',
    ] as const) {
      expect(buildAlertMailEntry(alert({ alertType }), 502017, NOW, CONTACT, DS)).toBeNull();
    }
  });

  it('keys the mail by dossier and alert type', () => {
    expect(alertDedupeKey('14131-1', 'closedWithSupOneYear')).toBe('alert:14131-1:closedWithSupOneYear');
  });
});
