import { asc } from 'drizzle-orm';
import { buildAlertMail } from '../src/alert/alert.mail';
import { mailOutbox } from '../src/database/schema';
import { JobName } from '../src/jobs/job-run';
import { JobRunner } from '../src/jobs/job-runner.service';
import { OutboxService } from '../src/mail/outbox.service';
import { ADMIN_TOKEN, createMailTestApp, createTestApp, mailEnv, MailTestApp, TestApp } from './helpers/app';
import { dossierRow, RowOptions } from './helpers/dossier-row';
import { createTestDatabase, TestDatabase } from './helpers/postgres';
import { startSmtpServer, TestSmtpServer } from './helpers/smtp';

// 10:00 in Paris on Wednesday 10 March 2021.
const NOW = new Date('2021-03-10T09:00:00Z');
const YESTERDAY = '2021-03-09T15:00:00.000Z';
const MINUTE = 60_000;
const APPLICANT = 'rh.recrutement@exemple-sas.fr';
const INSTRUCTORS = ['paul.durand@direccte.gouv.fr', 'claire.martin@dreets.gouv.fr'];
const CONTACT = 'suivi@workinfrance.test';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** An APT accepted yesterday whose end date is before its start date: it mails the applicant. */
const badDates = (dossierId: number, extra: Partial<RowOptions> = {}) =>
  dossierRow({
    dossierId,
    processedAt: YESTERDAY,
    lastModified: YESTERDAY,
    instructeurs: INSTRUCTORS,
    annotations: { 'Date de début APT': '2021-03-15', 'Date de fin APT': '2021-03-01' },
    ...extra,
  });

/** The mail settings every test here runs with, on top of `mailEnv`. */
const MAIL_SETTINGS = {
  MAIL_FROM: 'Work In France <contact@workinfrance.beta.gouv.fr>',
  MAIL_MAX_ATTEMPTS: '3',
  MAIL_RETRY_BASE_SECONDS: '60',
  CONTACT_EMAIL: CONTACT,
};

function helpers(get: () => TestApp) {
  const run = (job: JobName, full = false) => get().app.get(JobRunner).runToEnd(job, { trigger: 'cli', full });
  const outbox = () => get().databases.main.select().from(mailOutbox).orderBy(asc(mailOutbox.dedupeKey));
  return { run, outbox };
}

describe('alert mails over a real SMTP server', () => {
  let mail: MailTestApp | undefined;
  let smtp: TestSmtpServer;
  let t: TestApp;
  const { run, outbox } = helpers(() => t);

  beforeAll(async () => {
    mail = await createMailTestApp('alert_email', MAIL_SETTINGS, NOW, { multipart: true });
    ({ t, smtp } = mail);
  });
  afterAll(() => mail?.close());
  beforeEach(async () => {
    await t.reset();
    smtp.clear();
  });

  it('mails the applicant, the following instructors in copy and the contact address in blind copy, text and HTML', async () => {
    await t.insertDossiers([badDates(502017)]);
    await run('alert');
    expect(smtp.received).toHaveLength(0);
    expect(await run('alert-email')).toMatchObject({ status: 'succeeded', read: 1, written: 1, failed: 0 });

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.envelope.from).toBe('contact@workinfrance.beta.gouv.fr');
    expect([...mail.envelope.to].sort()).toEqual([APPLICANT, ...INSTRUCTORS, CONTACT].sort());
    expect(mail.headers.to).toBe(APPLICANT);
    expect(mail.headers.cc).toBe(INSTRUCTORS.join(', '));
    expect(mail.headers.from).toBe('Work In France <contact@workinfrance.beta.gouv.fr>');
    // The blind copy is in the envelope only: no header, no trace of the address anywhere in the message.
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.raw).not.toContain(CONTACT);
    expect(mail.subject).toBe('Erreur sur votre APT WorkInFrance nº502017 / UD75');
    const expected = buildAlertMail({
      alertType: 'closedWithDebutSupFin',
      dossierId: 502017,
      groupId: '75',
      dateDebutApt: '2021-03-15',
      dsBaseUrl: 'https://www.demarches-simplifiees.fr',
    });
    expect(mail.text).toBe(expected?.text);
    expect(mail.html?.replace(/\r\n/g, '\n')).toBe(expected?.html);
    expect(mail.text).toContain('Votre autorisation provisoire de travail (APT) nº502017, délivrée par la DREETS');
    expect(mail.attachments).toEqual([]);

    const [entry] = await outbox();
    expect(entry).toMatchObject({
      dedupeKey: 'alert:14131-502017:closedWithDebutSupFin',
      state: 'sent',
      attempts: 0,
      processedAt: NOW,
    });
    expect(entry.messageId).toBe(mail.headers['message-id']);
  });

  it('sends nothing more on a rerun after success, nor after a new alert run or sync-all', async () => {
    await t.insertDossiers([badDates(600001), badDates(600002, { annotations: { 'Date de fin APT': '' } })]);
    await run('alert');
    await run('alert-email');
    expect(smtp.received.map((m) => m.subject).sort()).toEqual([
      'Erreur sur votre APT WorkInFrance nº600001 / UD75',
      'Erreur sur votre APT WorkInFrance nº600002 / UD75',
    ]);

    expect(await run('alert-email')).toMatchObject({ status: 'succeeded', read: 0, written: 0 });
    await run('alert');
    await run('alert', true);
    await run('alert-email');
    await run('mail-outbox');
    expect(smtp.received).toHaveLength(2);
    expect((await outbox()).map((e) => e.state)).toEqual(['sent', 'sent']);
  });

  it('never mails twice after DELETE alerts then sync-all (alert-mails-outlive-deleted-alerts)', async () => {
    await t.insertDossiers([badDates(700001)]);
    await run('alert');
    await run('alert-email');
    expect(smtp.received).toHaveLength(1);

    const deleted = await t.app.inject({ method: 'DELETE', url: '/api/admin/alerts', headers: AUTH });
    expect(deleted.json()).toMatchObject({ deleted: 1 });
    await run('alert', true);
    await run('alert-email');
    expect(smtp.received).toHaveLength(1);
    const list = (await t.app.inject({ method: 'GET', url: '/api/admin/alerts', headers: AUTH })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0].mail).toMatchObject({ state: 'sent', processedAt: NOW.toISOString() });
  });

  it('retries a refused mail with exponential backoff, then sends it once', async () => {
    await t.insertDossiers([badDates(800001)]);
    await run('alert');
    smtp.refuseNext(2);

    expect(await run('alert-email')).toMatchObject({ status: 'succeeded', read: 1, written: 0, failed: 0 });
    let [entry] = await outbox();
    expect(entry).toMatchObject({ state: 'to_send', attempts: 1, nextAttemptAt: new Date(NOW.getTime() + MINUTE) });
    expect(entry.lastError).toContain('451');

    // Not due yet: nothing is tried.
    t.clock.set(new Date(NOW.getTime() + MINUTE - 1000));
    expect(await run('mail-outbox')).toMatchObject({ read: 0 });
    expect(smtp.refused()).toBe(1);

    // Second attempt, refused again: the wait doubles.
    const second = new Date(NOW.getTime() + MINUTE);
    t.clock.set(second);
    await run('mail-outbox');
    [entry] = await outbox();
    expect(entry).toMatchObject({
      state: 'to_send',
      attempts: 2,
      nextAttemptAt: new Date(second.getTime() + 2 * MINUTE),
    });
    expect(smtp.refused()).toBe(2);

    t.clock.set(new Date(second.getTime() + 2 * MINUTE - 1000));
    expect(await run('mail-outbox')).toMatchObject({ read: 0 });
    const third = new Date(second.getTime() + 2 * MINUTE);
    t.clock.set(third);
    expect(await run('mail-outbox')).toMatchObject({ read: 1, written: 1 });
    [entry] = await outbox();
    expect(entry).toMatchObject({ state: 'sent', attempts: 2, processedAt: third, nextAttemptAt: null });
    expect(smtp.received).toHaveLength(1);
    expect(entry.messageId).toBe(smtp.received[0].headers['message-id']);

    t.clock.set(new Date(third.getTime() + 60 * MINUTE));
    await run('mail-outbox');
    await run('alert-email');
    expect(smtp.received).toHaveLength(1);
  });

  it('gives a mail up as failed after MAIL_MAX_ATTEMPTS attempts', async () => {
    await t.insertDossiers([badDates(900001)]);
    await run('alert');
    smtp.refuseNext(100);
    await run('alert-email');
    t.clock.set(new Date(NOW.getTime() + MINUTE));
    await run('mail-outbox');
    t.clock.set(new Date(NOW.getTime() + 3 * MINUTE));
    expect(await run('mail-outbox')).toMatchObject({ read: 1, failed: 1 });
    const [entry] = await outbox();
    expect(entry).toMatchObject({ state: 'failed', attempts: 3, nextAttemptAt: null });
    expect(entry.processedAt).toEqual(new Date(NOW.getTime() + 3 * MINUTE));

    t.clock.set(new Date(NOW.getTime() + 24 * 60 * MINUTE));
    smtp.refuseNext(0);
    await run('mail-outbox');
    await run('alert-email');
    expect(smtp.refused()).toBe(3);
    expect(smtp.received).toHaveLength(0);
  });

  it('blocks at send time a mail whose decision has become more than 2 days old', async () => {
    await t.insertDossiers([badDates(110001)]);
    await run('alert');
    expect((await outbox())[0].state).toBe('to_send');

    // Decided 2021-03-09T15:00Z: still sent at 3 days minus a minute, so blocked from 3 days on.
    t.clock.set(new Date('2021-03-12T15:00:00Z'));
    expect(await run('alert-email')).toMatchObject({ read: 1, written: 1 });
    expect(smtp.received).toHaveLength(0);
    expect(await outbox()).toEqual([expect.objectContaining({ state: 'blocked', messageId: null })]);
    await run('mail-outbox');
    await run('alert-email');
    expect(smtp.received).toHaveLength(0);
  });

  it('blocks a retry that comes after the 2-day limit', async () => {
    await t.insertDossiers([badDates(120001)]);
    await run('alert');
    smtp.refuseNext(1);
    await run('alert-email');
    t.clock.set(new Date('2021-03-13T09:00:00Z'));
    await run('mail-outbox');
    expect(smtp.received).toHaveLength(0);
    expect((await outbox())[0]).toMatchObject({ state: 'blocked', attempts: 1 });
  });

  it('delivers every due mail once, page after page', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => 150000 + i);
    await t.insertDossiers(ids.map((id) => badDates(id)));
    await run('alert');
    expect(await run('alert-email')).toMatchObject({ read: 130, written: 130 });
    expect(new Set(smtp.received.map((m) => m.subject)).size).toBe(130);
    expect(smtp.received).toHaveLength(130);
  });

  it('never hands the same mail to two deliveries running at once', async () => {
    await t.insertDossiers([badDates(130001), badDates(130002), badDates(130003)]);
    await run('alert');
    const service = t.app.get(OutboxService);
    const outcomes = await Promise.all([service.deliverDue({ now: NOW }), service.deliverDue({ now: NOW })]);
    expect(outcomes.map((o) => o.sent).sort()).toEqual([0, 3]);
    expect(smtp.received).toHaveLength(3);
  });
});

describe('alert mails with MAIL_ENABLED=false (disabled-mail-changes-nothing)', () => {
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  let t: TestApp;
  const { run, outbox } = helpers(() => t);

  beforeAll(async () => {
    db = await createTestDatabase('alert_email_off');
    smtp = await startSmtpServer({ multipart: true });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await db?.drop();
  });

  it('sends nothing and marks nothing, then sends the waiting mail once mail is enabled', async () => {
    t = await createTestApp(mailEnv(db, smtp, { ...MAIL_SETTINGS, MAIL_ENABLED: 'false' }), NOW);
    await t.insertDossiers([badDates(140001)]);
    await run('alert');
    expect(await run('alert-email')).toMatchObject({ status: 'succeeded', read: 0, written: 0 });
    expect(await run('mail-outbox')).toMatchObject({ status: 'succeeded', read: 0 });
    expect(smtp.received).toHaveLength(0);
    expect(await outbox()).toEqual([
      expect.objectContaining({ state: 'to_send', attempts: 0, messageId: null, processedAt: null }),
    ]);
    await t.close();

    t = await createTestApp(mailEnv(db, smtp, MAIL_SETTINGS), NOW);
    await run('alert-email');
    expect(smtp.received).toHaveLength(1);
    expect((await outbox())[0].state).toBe('sent');
  });
});
