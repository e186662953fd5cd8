import { asc } from 'drizzle-orm';
import { jobRun, mailOutbox } from '../src/database/schema';
import { JobRunner } from '../src/jobs/job-runner.service';
import { OutboxService } from '../src/mail/outbox.service';
import { createTestApp, TestApp } from './helpers/app';
import { createTestDatabase, TestDatabase } from './helpers/postgres';

// PGlite must be loaded as the real module, not through jest's module registry.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

const NOW = new Date('2021-06-01T10:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

const MAIL = {
  recipients: { to: ['rh@exemple-sas.fr'], cc: ['instructeur@dreets.gouv.fr'], bcc: [] },
  subject: 'Autorisation de travail de M. Zorglub',
  text: 'Bonjour, M. Zorglub ...',
  html: '<p>Bonjour, M. Zorglub ...</p>',
  attachments: [{ resolver: 'alert-workbook', params: { group: '75' } }],
};

describe('retention job (PostgreSQL)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    t = await createTestApp({ DATABASE_URL: db.url }, NOW);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });
  beforeEach(() => t.reset());

  async function addRun(job: string, status: string, startedAt: Date, finishedAt: Date | null): Promise<void> {
    await t.databases.main.insert(jobRun).values({
      job,
      status,
      trigger: 'cron',
      params: {},
      instance: 'host:1',
      startedAt,
      finishedAt,
      skippedKeys: [{ dsKey: '14131-1', reason: 'no Nom' }],
    });
  }

  async function addMail(
    dedupeKey: string,
    state: 'to_send' | 'sent' | 'blocked' | 'failed',
    createdAt: Date,
    processedAt: Date | null,
  ): Promise<void> {
    await t.databases.main.insert(mailOutbox).values({
      ...MAIL,
      dedupeKey,
      kind: 'alert',
      state,
      attempts: state === 'failed' ? 8 : 0,
      lastError: state === 'sent' || state === 'to_send' ? null : '550 unknown user rh@exemple-sas.fr',
      messageId: state === 'sent' ? `<${dedupeKey}@smtp>` : null,
      createdAt,
      processedAt,
    });
  }

  it('deletes the job runs finished over 90 days ago and empties the mails processed over 30 days ago', async () => {
    await addRun('alert', 'succeeded', daysAgo(120), daysAgo(120));
    await addRun('alert', 'failed', daysAgo(91), daysAgo(91));
    await addRun('alert', 'succeeded', daysAgo(89), daysAgo(89));
    await addRun('validity-check', 'running', daysAgo(200), null);
    await addMail('sent-old', 'sent', daysAgo(40), daysAgo(31));
    await addMail('blocked-old', 'blocked', daysAgo(45), daysAgo(45));
    await addMail('failed-old', 'failed', daysAgo(40), daysAgo(35));
    await addMail('sent-recent', 'sent', daysAgo(40), daysAgo(29));
    await addMail('waiting', 'to_send', daysAgo(100), null);

    const run = await t.app.get(JobRunner).runToEnd('retention', { trigger: 'api' });
    expect(run).toMatchObject({ status: 'succeeded', written: 2 + 3, failed: 0 });

    const runs = await t.databases.main.select().from(jobRun).orderBy(asc(jobRun.startedAt));
    expect(runs.map((r) => [r.job, r.status, r.startedAt])).toEqual([
      ['validity-check', 'running', daysAgo(200)],
      ['alert', 'succeeded', daysAgo(89)],
      ['retention', 'succeeded', NOW],
    ]);

    const mails = new Map((await t.databases.main.select().from(mailOutbox)).map((m) => [m.dedupeKey, m] as const));
    const emptied = {
      recipients: { to: [], cc: [], bcc: [] },
      subject: '',
      text: '',
      html: null,
      attachments: [],
      lastError: null,
    };
    expect(mails.get('sent-old')).toMatchObject({
      ...emptied,
      kind: 'alert',
      state: 'sent',
      messageId: '<sent-old@smtp>',
      createdAt: daysAgo(40),
      processedAt: daysAgo(31),
    });
    expect(mails.get('blocked-old')).toMatchObject({ ...emptied, state: 'blocked', processedAt: daysAgo(45) });
    expect(mails.get('failed-old')).toMatchObject({ ...emptied, state: 'failed', attempts: 8 });
    expect(mails.get('sent-recent')).toMatchObject({ ...MAIL, state: 'sent' });
    expect(mails.get('waiting')).toMatchObject({ ...MAIL, state: 'to_send' });
    // Nothing personal is left in the emptied mails.
    for (const key of ['sent-old', 'blocked-old', 'failed-old']) {
      expect(JSON.stringify(mails.get(key))).not.toMatch(/Zorglub|exemple-sas|dreets/);
    }

    // The dedupe keys outlive the contents: the same mail offered again is still refused.
    const outbox = t.app.get(OutboxService);
    const again = { kind: 'alert', mail: { to: ['rh@exemple-sas.fr'], cc: [], bcc: [], subject: 's', text: 't' } };
    for (const dedupeKey of ['sent-old', 'blocked-old', 'failed-old']) {
      expect(await outbox.enqueue({ ...again, dedupeKey })).toEqual({ created: false });
    }
    expect(await t.databases.main.$count(mailOutbox)).toBe(5);

    // A second run the same day finds nothing more to do.
    t.clock.set(new Date(NOW.getTime() + 60_000));
    expect(await t.app.get(JobRunner).runToEnd('retention', { trigger: 'api' })).toMatchObject({
      status: 'succeeded',
      written: 0,
    });
  });

  it('follows JOB_RUN_RETENTION_DAYS and MAIL_RETENTION_DAYS', async () => {
    const config = t.config as { retention: { jobRunDays: number; mailDays: number } };
    const saved = config.retention;
    config.retention = { jobRunDays: 10, mailDays: 5 };
    try {
      await addRun('alert', 'succeeded', daysAgo(11), daysAgo(11));
      await addRun('alert', 'succeeded', daysAgo(9), daysAgo(9));
      await addMail('sent-6', 'sent', daysAgo(6), daysAgo(6));
      await addMail('sent-4', 'sent', daysAgo(4), daysAgo(4));

      expect(await t.app.get(JobRunner).runToEnd('retention', { trigger: 'api' })).toMatchObject({ written: 2 });
      const kept = await t.databases.main.select().from(jobRun).orderBy(asc(jobRun.startedAt));
      expect(kept.map((r) => r.startedAt)).toEqual([daysAgo(9), NOW]);
      const mails = new Map((await t.databases.main.select().from(mailOutbox)).map((m) => [m.dedupeKey, m]));
      expect(mails.get('sent-6')).toMatchObject({ subject: '', text: '' });
      expect(mails.get('sent-4')).toMatchObject({ subject: MAIL.subject });
    } finally {
      config.retention = saved;
    }
  });
});
