import ExcelJS from 'exceljs';
import { Alert, AlertGroup } from '../src/alert/alert';
import { ALERT_MESSAGES, AlertType } from '../src/alert/alert-type';
import { AlertRepository } from '../src/alert/alert.repository';
import { JobRunner } from '../src/jobs/job-runner.service';
import { createMailTestApp, MailTestApp, TestApp } from './helpers/app';
import { TestSmtpServer } from './helpers/smtp';

// 07:00 in Paris on Wednesday 10 March 2021, the digest's cron time.
const NOW = new Date('2021-03-10T06:00:00Z');
const HOUR = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
const RECIPIENTS = ['suivi@workinfrance.test', 'pilotage@travail.test'];
const PARIS = { id: '75', label: '75 - Paris', type: 'autorisation' as const };
const PARIS_INTRODUCTION = { id: '75', label: '75 - Paris', type: 'introduction' as const };

function alert(dsKey: string, alertType: AlertType, group: AlertGroup = PARIS): Alert {
  return {
    dsKey,
    alertType,
    message: ALERT_MESSAGES[alertType],
    url: `https://www.demarches-simplifiees.fr/procedures/${dsKey.replace('-', '/dossiers/')}`,
    group,
    state: 'closed',
    instructorsHistory: [],
    emailUsager: null,
    emailInstructors: [],
    dateDebutApt: null,
    processedAt: null,
  };
}

describe('daily alert digest (PostgreSQL, real SMTP server)', () => {
  let mail: MailTestApp | undefined;
  let t: TestApp;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    mail = await createMailTestApp('alert_digest', { ALERT_DIGEST_RECIPIENTS: RECIPIENTS.join(',') }, NOW, {
      multipart: true,
    });
    ({ t, smtp } = mail);
  });
  afterAll(() => mail?.close());
  beforeEach(async () => {
    await t.reset();
    smtp.clear();
  });

  const digest = () => t.app.get(JobRunner).runToEnd('alert-digest', { trigger: 'cron' });
  const save = (at: Date, dsKey: string, alerts: Alert[]) =>
    t.app.get(AlertRepository).saveEvaluations([{ dsKey, alerts }], at);

  it('mails each recipient the alerts opened and resolved in the last 24 hours, by unit and type', async () => {
    await save(ago(30), '14131-1', [alert('14131-1', 'closedWithSupOneYear')]);
    await save(ago(30), '14131-9', [alert('14131-9', 'closedWithSupOneYear')]);
    await save(ago(2), '14131-2', [alert('14131-2', 'closedWithoutDateDebutOrDateFin')]);
    await save(ago(2), '33588-3', [alert('33588-3', 'receivedAndDelayTooLong', PARIS_INTRODUCTION)]);
    await save(ago(1), '14131-1', []);

    const run = await digest();
    expect(run).toMatchObject({ status: 'succeeded', read: 4, written: 2 });
    expect(smtp.received.map((m) => m.envelope.to)).toEqual(expect.arrayContaining(RECIPIENTS.map((r) => [r])));
    expect(smtp.received).toHaveLength(2);
    const [mail] = smtp.received;
    expect(mail.subject).toBe('Work In France : alertes du 10/03/2021 (2 nouvelles, 1 résolue)');
    expect(mail.text).toContain('depuis le 09/03/2021 à 07:00 (heure de Paris)');
    expect(mail.text).toContain(
      [
        '75 - Paris',
        '- dossier accepté, date de début et/ou de fin APT manquante : 1 nouvelle, 0 résolue',
        '- dossier accepté, durée APT supérieure à 12 mois : 0 nouvelle, 1 résolue',
      ].join('\n'),
    );
    expect(mail.text).toContain("75 - Paris (introduction)\n- durée d'instruction de dossier dépassée : 1 nouvelle");
    expect(mail.html).toContain('>75 - Paris (introduction)</h2>');
    expect(mail.html).toMatch(/<a href="https:\/\/[^"]+\/dossiers\/3" style="color:#000091;">Dossier nº3<\/a>/);
    // Each alert with its dossier link, and every alert in the workbook attached.
    expect(mail.text).toMatch(/Dossier nº2 \(nouvelle\) : https:\/\/\S+\/dossiers\/2\n/);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['WIF_dossiers-en-souffrance.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(mail.attachments[0].content as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Dossiers en souffrance')!;
    expect(sheet.getColumn(1).values.slice(2)).toEqual([1, 2, 9, 3]);
  });

  it('covers each span once: from the last successful run, nothing when nothing changed, never twice', async () => {
    await save(ago(2), '14131-2', [alert('14131-2', 'closedWithoutDateDebutOrDateFin')]);
    await digest();
    expect(smtp.received).toHaveLength(2);

    await digest();
    t.clock.set(new Date(NOW.getTime() + 24 * HOUR));
    await digest();
    expect(smtp.received).toHaveLength(2);

    await save(new Date(NOW.getTime() + 25 * HOUR), '14131-2', []);
    t.clock.set(new Date(NOW.getTime() + 48 * HOUR));
    await digest();
    expect(smtp.received).toHaveLength(4);
    expect(smtp.received[2].subject).toBe('Work In France : alertes du 12/03/2021 (0 nouvelle, 1 résolue)');
    expect(smtp.received[2].text).toContain('depuis le 11/03/2021 à 07:00');
  });
});
