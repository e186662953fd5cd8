import { NewOutboxEntry, OutboxEntry } from '../../src/mail/outbox.repository';
import { BackendRef } from './storage-backend';

const T0 = new Date('2021-06-01T06:30:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export const entry = (dedupeKey: string, overrides: Partial<NewOutboxEntry> = {}): NewOutboxEntry => ({
  dedupeKey,
  kind: 'alert',
  mail: {
    to: ['rh@exemple.fr'],
    cc: [],
    bcc: ['archive@exemple.fr'],
    subject: 'Votre demande',
    text: 'Bonjour',
    html: '<p>Bonjour</p>',
    attachments: [{ resolver: 'alert-workbook', params: { group: '75' } }],
  },
  state: 'to_send',
  notAfter: null,
  createdAt: T0,
  ...overrides,
});

const keys = (entries: OutboxEntry[]) => entries.map((e) => e.dedupeKey);

export function outboxContract(backend: BackendRef): void {
  describe('OutboxRepository', () => {
    const repo = () => backend().outbox;

    it('queues a mail once per dedupe key, whatever the number of attempts to queue it', async () => {
      expect(
        await repo().addIfAbsent([
          entry('alert:14131-1:closedWithSupOneYear'),
          entry('monthly-report:2021-05:75:paris@x.fr', { kind: 'monthly-report' }),
          entry('alert:14131-1:closedWithSupOneYear'),
          entry('alert:14131-2:closedWithSupOneYear', { state: 'blocked' }),
        ]),
      ).toEqual([
        'alert:14131-1:closedWithSupOneYear',
        'monthly-report:2021-05:75:paris@x.fr',
        'alert:14131-2:closedWithSupOneYear',
      ]);
      expect(
        await repo().addIfAbsent([
          entry('alert:14131-1:closedWithSupOneYear', { createdAt: at(5) }),
          entry('alert:14131-3:x'),
        ]),
      ).toEqual(['alert:14131-3:x']);
      expect(await repo().addIfAbsent([])).toEqual([]);

      const found = await repo().findByDedupeKeys([
        'alert:14131-1:closedWithSupOneYear',
        'alert:14131-2:closedWithSupOneYear',
        'unknown',
      ]);
      const first = found.find((e) => e.dedupeKey === 'alert:14131-1:closedWithSupOneYear')!;
      expect(first).toEqual({
        id: first.id,
        dedupeKey: 'alert:14131-1:closedWithSupOneYear',
        kind: 'alert',
        mail: entry('x').mail,
        state: 'to_send',
        attempts: 0,
        nextAttemptAt: null,
        notAfter: null,
        lastError: null,
        messageId: null,
        createdAt: T0,
        processedAt: null,
      });
      expect(found.find((e) => e.dedupeKey === 'alert:14131-2:closedWithSupOneYear')).toMatchObject({
        state: 'blocked',
        processedAt: T0,
      });
      expect(found).toHaveLength(2);
      expect(await repo().findByDedupeKeys([])).toEqual([]);
      expect(await repo().countToSend()).toBe(3);
      expect(await repo().countToSend(['monthly-report'])).toBe(1);
      expect(await repo().countToSend([])).toBe(0);
    });

    it('lists the due mails oldest first, page after page, by kind and retry', async () => {
      await repo().addIfAbsent([
        entry('k3', { createdAt: at(2) }),
        entry('k1', { createdAt: at(0) }),
        entry('k2a', { createdAt: at(1) }),
        entry('k2b', { createdAt: at(1) }),
        entry('k2c', { createdAt: at(1), kind: 'monthly-report' }),
        entry('k4', { createdAt: at(3) }),
        entry('blocked', { createdAt: at(0), state: 'blocked' }),
      ]);
      const [k4] = await repo().findByDedupeKeys(['k4']);
      await repo().recordFailure(k4.id, { attempts: 1, error: 'timeout', at: at(10), nextAttemptAt: at(20) });
      const [k3] = await repo().findByDedupeKeys(['k3']);
      await repo().recordFailure(k3.id, { attempts: 1, error: 'timeout', at: at(10), nextAttemptAt: at(15) });

      const due = (now: Date, options: { kinds?: string[]; retriesOnly?: boolean } = {}) =>
        repo().findDue({ now, retriesOnly: false, after: null, limit: 100, ...options });

      const all = await due(at(15));
      expect(keys(all).slice(0, 1)).toEqual(['k1']);
      expect(keys(all).slice(1, 4).sort()).toEqual(['k2a', 'k2b', 'k2c']);
      expect(keys(all).slice(4)).toEqual(['k3']);
      expect(keys(await due(at(20)))).toContain('k4');
      expect(keys(await due(at(20), { retriesOnly: true }))).toEqual(['k3', 'k4']);
      expect(keys(await due(at(15), { kinds: ['monthly-report'] }))).toEqual(['k2c']);
      expect(await due(at(15), { kinds: [] })).toEqual([]);

      // Pages of two, from cursor to cursor, across three mails created in the same millisecond.
      const read: string[] = [];
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const page = await repo().findDue({ now: at(20), retriesOnly: false, after, limit: 2 });
        if (page.length === 0) break;
        read.push(...keys(page));
        after = { createdAt: page[page.length - 1].createdAt, id: page[page.length - 1].id };
      }
      expect(read).toHaveLength(6);
      expect(new Set(read).size).toBe(6);
      expect(read[0]).toBe('k1');
      expect(read.slice(4)).toEqual(['k3', 'k4']);
    });

    it('changes the state of a waiting mail only, once', async () => {
      await repo().addIfAbsent([entry('a'), entry('b'), entry('c')]);
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (k) => (await repo().findByDedupeKeys([k]))[0]));

      expect(await repo().markSent(a.id, '<id-a@smtp>', at(1))).toBe(true);
      expect(await repo().markSent(a.id, '<again@smtp>', at(2))).toBe(false);
      expect(await repo().markBlocked(a.id, at(2), 'too late')).toBe(false);
      expect(await repo().recordFailure(a.id, { attempts: 1, error: 'x', at: at(2), nextAttemptAt: at(3) })).toBe(
        false,
      );

      expect(await repo().markBlocked(b.id, at(1), 'decision older than 30 days')).toBe(true);
      expect(
        await repo().recordFailure(c.id, { attempts: 8, error: '550 no such user', at: at(1), nextAttemptAt: null }),
      ).toBe(true);
      expect(await repo().markSent(c.id, '<late@smtp>', at(2))).toBe(false);

      const byKey = new Map((await repo().findByDedupeKeys(['a', 'b', 'c'])).map((e) => [e.dedupeKey, e]));
      expect(byKey.get('a')).toMatchObject({
        state: 'sent',
        messageId: '<id-a@smtp>',
        processedAt: at(1),
        lastError: null,
      });
      expect(byKey.get('b')).toMatchObject({
        state: 'blocked',
        processedAt: at(1),
        lastError: 'decision older than 30 days',
      });
      expect(byKey.get('c')).toMatchObject({
        state: 'failed',
        attempts: 8,
        processedAt: at(1),
        lastError: '550 no such user',
      });
      expect(await repo().countToSend()).toBe(0);
      expect(await repo().markSent('00000000-0000-4000-8000-000000000000', '<x>', at(1))).toBe(false);
    });

    it('lets only one of two concurrent senders mark a mail sent', async () => {
      await repo().addIfAbsent([entry('race')]);
      const [mail] = await repo().findByDedupeKeys(['race']);
      const outcomes = await Promise.all([
        repo().markSent(mail.id, '<replica-1@smtp>', at(1)),
        repo().markSent(mail.id, '<replica-2@smtp>', at(1)),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const [stored] = await repo().findByDedupeKeys(['race']);
      expect(stored.messageId).toBe(outcomes[0] ? '<replica-1@smtp>' : '<replica-2@smtp>');
    });

    it('forgets the content of the mails finished before an instant, and still never queues them twice', async () => {
      await repo().addIfAbsent([
        entry('sent-old'),
        entry('failed-old'),
        entry('blocked-old', { state: 'blocked', createdAt: at(-5) }),
        entry('sent-recent'),
        entry('waiting', { createdAt: at(-1000) }),
        entry('retrying', { createdAt: at(-1000) }),
      ]);
      const byKey = async () =>
        new Map(
          (
            await repo().findByDedupeKeys([
              'sent-old',
              'failed-old',
              'blocked-old',
              'sent-recent',
              'waiting',
              'retrying',
            ])
          ).map((e) => [e.dedupeKey, e]),
        );
      const before = await byKey();
      await repo().markSent(before.get('sent-old')!.id, '<old@smtp>', at(1));
      await repo().recordFailure(before.get('failed-old')!.id, {
        attempts: 8,
        error: '550 no such user rh@exemple.fr',
        at: at(2),
        nextAttemptAt: null,
      });
      await repo().markSent(before.get('sent-recent')!.id, '<recent@smtp>', at(10));
      await repo().recordFailure(before.get('retrying')!.id, {
        attempts: 1,
        error: '421 try later',
        at: at(2),
        nextAttemptAt: at(3),
      });

      expect(await repo().forgetContentProcessedBefore(at(10))).toBe(3);

      const after = await byKey();
      const empty = { to: [], cc: [], bcc: [], subject: '', text: '', html: null, attachments: [] };
      expect(after.get('sent-old')).toEqual({
        ...before.get('sent-old'),
        mail: empty,
        state: 'sent',
        messageId: '<old@smtp>',
        processedAt: at(1),
      });
      expect(after.get('failed-old')).toMatchObject({
        mail: empty,
        state: 'failed',
        attempts: 8,
        lastError: null,
        processedAt: at(2),
        kind: 'alert',
        createdAt: T0,
      });
      expect(after.get('blocked-old')).toMatchObject({ mail: empty, state: 'blocked', processedAt: at(-5) });
      // Processed at the limit, or still to send (however old, even after a failed attempt): kept whole.
      expect(after.get('sent-recent')).toMatchObject({ mail: entry('x').mail, state: 'sent' });
      expect(after.get('waiting')).toEqual(before.get('waiting'));
      expect(after.get('retrying')).toMatchObject({
        mail: entry('x').mail,
        state: 'to_send',
        lastError: '421 try later',
      });
      expect(await repo().forgetContentProcessedBefore(at(10))).toBe(0);
      expect(await repo().forgetContentProcessedBefore(at(100))).toBe(1);

      // The dedupe keys stay: the same mails offered again are refused.
      expect(
        await repo().addIfAbsent([entry('sent-old'), entry('failed-old'), entry('blocked-old'), entry('new')]),
      ).toEqual(['new']);
      expect((await byKey()).get('sent-old')).toMatchObject({ mail: empty, state: 'sent' });
    });
  });
}
