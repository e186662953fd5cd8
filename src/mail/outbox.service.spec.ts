import { Logger } from '@nestjs/common';
import { FixedClock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { JobLock, LockHandle } from '../jobs/job-lock';
import { MailTransport } from './mail-transport';
import { MailToSend, OutgoingMail } from './outgoing-mail';
import { DueQuery, FailedAttempt, NewOutboxEntry, OutboxEntry, OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

const NOW = new Date('2021-03-10T09:00:00Z');
const MINUTE = 60_000;

/** The outbox semantics in memory: conditional state changes, oldest first. */
class MemoryOutbox extends OutboxRepository {
  readonly entries: OutboxEntry[] = [];
  private nextId = 0;

  addIfAbsent(entries: NewOutboxEntry[]): Promise<string[]> {
    const created: string[] = [];
    for (const e of entries) {
      if (this.entries.some((x) => x.dedupeKey === e.dedupeKey)) continue;
      this.nextId += 1;
      this.entries.push({
        ...e,
        id: String(this.nextId).padStart(4, '0'),
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        messageId: null,
        processedAt: e.state === 'blocked' ? e.createdAt : null,
      });
      created.push(e.dedupeKey);
    }
    return Promise.resolve(created);
  }

  findDue(q: DueQuery): Promise<OutboxEntry[]> {
    return Promise.resolve(
      this.entries
        .filter(
          (e) =>
            e.state === 'to_send' &&
            (!q.retriesOnly || e.attempts > 0) &&
            (e.nextAttemptAt === null || e.nextAttemptAt <= q.now) &&
            (!q.kinds || q.kinds.includes(e.kind)) &&
            (!q.after || e.id > q.after.id),
        )
        .slice(0, q.limit)
        .map((e) => ({ ...e })),
    );
  }

  markSent(id: string, messageId: string, at: Date): Promise<boolean> {
    return this.change(id, { state: 'sent', messageId, processedAt: at, nextAttemptAt: null });
  }

  markBlocked(id: string, at: Date, reason: string): Promise<boolean> {
    return this.change(id, { state: 'blocked', processedAt: at, lastError: reason, nextAttemptAt: null });
  }

  recordFailure(id: string, f: FailedAttempt): Promise<boolean> {
    return this.change(id, {
      state: f.nextAttemptAt ? 'to_send' : 'failed',
      attempts: f.attempts,
      lastError: f.error,
      nextAttemptAt: f.nextAttemptAt,
      processedAt: f.nextAttemptAt ? null : f.at,
    });
  }

  findByDedupeKeys(keys: string[]): Promise<OutboxEntry[]> {
    return Promise.resolve(this.entries.filter((e) => keys.includes(e.dedupeKey)));
  }

  countToSend(kinds?: string[]): Promise<number> {
    return Promise.resolve(
      this.entries.filter((e) => e.state === 'to_send' && (!kinds || kinds.includes(e.kind))).length,
    );
  }

  forgetContentProcessedBefore(): Promise<number> {
    return Promise.resolve(0);
  }

  private change(id: string, changes: Partial<OutboxEntry>): Promise<boolean> {
    const entry = this.entries.find((e) => e.id === id && e.state === 'to_send');
    if (entry) Object.assign(entry, changes);
    return Promise.resolve(entry !== undefined);
  }
}

class RecordingTransport extends MailTransport {
  readonly sent: MailToSend[] = [];
  failures = 0;

  send(mail: MailToSend): Promise<{ messageId: string }> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('451 try again later'));
    }
    this.sent.push(mail);
    return Promise.resolve({ messageId: `<${this.sent.length}@test>` });
  }
}

class FreeLock extends JobLock {
  tryAcquire(): Promise<LockHandle> {
    return Promise.resolve({ release: () => Promise.resolve() });
  }
}

const mail = (subject: string, extra: Partial<OutgoingMail> = {}): OutgoingMail => ({
  to: ['a@exemple.fr'],
  cc: [],
  bcc: ['contact@exemple.fr'],
  subject,
  text: 'Bonjour,',
  ...extra,
});

function setup(enabled = true) {
  const repository = new MemoryOutbox();
  const transport = new RecordingTransport();
  const config = { mail: { enabled, maxAttempts: 3, retryBaseMs: MINUTE } } as AppConfig;
  const service = new OutboxService(repository, transport, new FreeLock(), config, new FixedClock(NOW));
  return { repository, transport, service };
}

const at = (ms: number) => new Date(NOW.getTime() + ms);

beforeAll(() => Logger.overrideLogger(false));

describe('OutboxService.enqueue', () => {
  it('queues a mail once per dedupe key, whatever became of the first', async () => {
    const { service, repository } = setup();
    expect(await service.enqueue({ dedupeKey: 'k1', kind: 'alert', mail: mail('un') })).toEqual({ created: true });
    expect(await service.enqueue({ dedupeKey: 'k1', kind: 'alert', mail: mail('deux') })).toEqual({ created: false });
    await service.deliverDue({ now: NOW });
    expect(await service.enqueue({ dedupeKey: 'k1', kind: 'alert', mail: mail('trois') })).toEqual({ created: false });
    expect(repository.entries.map((e) => [e.mail.subject, e.state])).toEqual([['un', 'sent']]);
  });

  it('records a blocked mail that is then never sent', async () => {
    const { service, transport, repository } = setup();
    await service.enqueue({ dedupeKey: 'k', kind: 'alert', mail: mail('x'), state: 'blocked' });
    expect(await service.deliverDue({ now: NOW })).toEqual({ sent: 0, blocked: 0, retried: 0, failed: 0 });
    expect(transport.sent).toEqual([]);
    expect(repository.entries[0]).toMatchObject({ state: 'blocked', processedAt: NOW });
  });
});

describe('OutboxService.deliverDue', () => {
  it('sends due mails of the requested kinds and records their message id', async () => {
    const { service, transport, repository } = setup();
    await service.enqueue({ dedupeKey: 'a', kind: 'alert', mail: mail('alerte') });
    await service.enqueue({ dedupeKey: 'r', kind: 'monthly-report', mail: mail('rapport') });
    expect(await service.deliverDue({ now: NOW, kinds: ['alert'] })).toEqual({
      sent: 1,
      blocked: 0,
      retried: 0,
      failed: 0,
    });
    expect(transport.sent.map((m) => m.subject)).toEqual(['alerte']);
    expect(repository.entries.map((e) => [e.state, e.messageId])).toEqual([
      ['sent', '<1@test>'],
      ['to_send', null],
    ]);
  });

  it('backs off exponentially, gives up after the maximum of attempts, and never retries a failed mail', async () => {
    const { service, transport, repository } = setup();
    await service.enqueue({ dedupeKey: 'a', kind: 'alert', mail: mail('x') });
    transport.failures = 10;
    expect(await service.deliverDue({ now: NOW })).toMatchObject({ retried: 1 });
    expect(repository.entries[0]).toMatchObject({ state: 'to_send', attempts: 1, nextAttemptAt: at(MINUTE) });
    expect(repository.entries[0].lastError).toContain('451');

    expect(await service.deliverDue({ now: at(MINUTE - 1), retriesOnly: true })).toMatchObject({ retried: 0 });
    expect(await service.deliverDue({ now: at(MINUTE), retriesOnly: true })).toMatchObject({ retried: 1 });
    expect(repository.entries[0]).toMatchObject({ attempts: 2, nextAttemptAt: at(3 * MINUTE) });
    expect(await service.deliverDue({ now: at(3 * MINUTE), retriesOnly: true })).toMatchObject({ failed: 1 });
    expect(repository.entries[0]).toMatchObject({ state: 'failed', attempts: 3, processedAt: at(3 * MINUTE) });

    transport.failures = 0;
    expect(await service.deliverDue({ now: at(60 * MINUTE) })).toEqual({ sent: 0, blocked: 0, retried: 0, failed: 0 });
    expect(transport.sent).toEqual([]);
  });

  it('leaves first attempts to the job that queued them when delivering retries only', async () => {
    const { service, transport } = setup();
    await service.enqueue({ dedupeKey: 'a', kind: 'alert', mail: mail('x') });
    expect(await service.deliverDue({ now: NOW, retriesOnly: true })).toMatchObject({ sent: 0 });
    expect(transport.sent).toEqual([]);
  });

  it('blocks instead of sending a mail past its notAfter, or when shouldBlock says so', async () => {
    const { service, transport, repository } = setup();
    await service.enqueue({ dedupeKey: 'late', kind: 'alert', mail: mail('late'), notAfter: NOW });
    await service.enqueue({ dedupeKey: 'in-time', kind: 'alert', mail: mail('in time'), notAfter: at(1) });
    await service.enqueue({ dedupeKey: 'vetoed', kind: 'alert', mail: mail('vetoed') });
    const outcome = await service.deliverDue({ now: NOW, shouldBlock: (e) => e.dedupeKey === 'vetoed' });
    expect(outcome).toEqual({ sent: 1, blocked: 2, retried: 0, failed: 0 });
    expect(transport.sent.map((m) => m.subject)).toEqual(['in time']);
    expect(repository.entries.map((e) => e.state)).toEqual(['blocked', 'sent', 'blocked']);
  });

  it('with mail disabled, sends nothing and changes nothing (disabled-mail-changes-nothing)', async () => {
    const { service, transport, repository } = setup(false);
    await service.enqueue({ dedupeKey: 'late', kind: 'alert', mail: mail('late'), notAfter: NOW });
    await service.enqueue({ dedupeKey: 'a', kind: 'alert', mail: mail('x') });
    const before = JSON.stringify(repository.entries);
    expect(await service.deliverDue({ now: at(MINUTE) })).toEqual({ sent: 0, blocked: 0, retried: 0, failed: 0 });
    expect(transport.sent).toEqual([]);
    expect(JSON.stringify(repository.entries)).toBe(before);
  });

  it('rebuilds attachments at send time, and retries a mail whose attachment cannot be built', async () => {
    const { service, transport, repository } = setup();
    const calls: Array<Record<string, unknown>> = [];
    service.registerAttachmentResolver('report', (params) => {
      calls.push(params);
      return Promise.resolve({ filename: 'r.xlsx', content: Buffer.from('xlsx'), contentType: 'application/x' });
    });
    expect(() => service.registerAttachmentResolver('report', () => Promise.reject(new Error()))).toThrow();
    await service.enqueue({
      dedupeKey: 'with',
      kind: 'monthly-report',
      mail: mail('with', { attachments: [{ resolver: 'report', params: { year: 2021, month: 2 } }] }),
    });
    await service.enqueue({
      dedupeKey: 'unknown',
      kind: 'monthly-report',
      mail: mail('unknown', { attachments: [{ resolver: 'nope', params: {} }] }),
    });
    expect(calls).toEqual([]);
    expect(await service.deliverDue({ now: NOW })).toMatchObject({ sent: 1, retried: 1 });
    expect(calls).toEqual([{ year: 2021, month: 2 }]);
    expect(transport.sent[0].attachments).toEqual([
      { filename: 'r.xlsx', content: Buffer.from('xlsx'), contentType: 'application/x' },
    ]);
    expect(repository.entries[1]).toMatchObject({ state: 'to_send', attempts: 1 });
    expect(repository.entries[1].lastError).toContain('nope');
  });

  it('reads the due mails page after page', async () => {
    const { service, transport } = setup();
    await service.enqueueMany(
      Array.from({ length: 250 }, (_, i) => ({ dedupeKey: `k${i}`, kind: 'alert', mail: mail(`m${i}`) })),
    );
    expect(await service.deliverDue({ now: NOW })).toMatchObject({ sent: 250 });
    expect(new Set(transport.sent.map((m) => m.subject)).size).toBe(250);
  });
});
