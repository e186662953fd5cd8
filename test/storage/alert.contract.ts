import { Alert, StoredAlert } from '../../src/alert/alert';
import { ALERT_MESSAGES, AlertType } from '../../src/alert/alert-type';
import { BackendRef } from './storage-backend';

const T1 = new Date('2021-06-01T05:15:00Z');
const T2 = new Date('2021-06-02T05:15:00Z');
const T3 = new Date('2021-06-03T05:15:00Z');

// Keys and types whose order is the same in every collation (the backends sort strings with their own).
export const alert = (dsKey: string, alertType: AlertType, overrides: Partial<Alert> = {}): Alert => ({
  dsKey,
  alertType,
  message: ALERT_MESSAGES[alertType],
  url: `https://www.demarches-simplifiees.fr/procedures/14131/dossiers/${dsKey.split('-')[1]}`,
  group: { id: '75', type: 'autorisation', label: '75 - Paris' },
  state: 'received',
  instructorsHistory: ['paul.durand@direccte.gouv.fr'],
  emailUsager: 'rh@exemple.fr',
  emailInstructors: ['paul.durand@direccte.gouv.fr'],
  dateDebutApt: null,
  processedAt: null,
  ...overrides,
});

const keys = (alerts: StoredAlert[]) => alerts.map((a) => `${a.dsKey}/${a.alertType}`);

export function alertContract(backend: BackendRef): void {
  describe('AlertRepository', () => {
    const repo = () => backend().alerts;

    it('keeps one alert per (ds_key, alert_type), writes only what changed, resolves and reopens', async () => {
      const a = alert('14131-100001', 'receivedAndDelayTooLong');
      const b = alert('14131-100001', 'closedAndMessageReceived', {
        state: 'closed',
        processedAt: new Date('2021-05-01T10:00:00Z'),
      });
      const c = alert('14131-100002', 'initiatedAndDelayTooLong', { state: 'initiated' });
      const evaluations = [
        { dsKey: a.dsKey, alerts: [a, b] },
        { dsKey: c.dsKey, alerts: [c] },
      ];
      expect(await repo().saveEvaluations(evaluations, T1)).toEqual({ changed: 3, resolved: 0 });
      expect(await repo().saveEvaluations(evaluations, T2)).toEqual({ changed: 0, resolved: 0 });
      expect(await repo().count({})).toBe(3);

      // The dossier moved on: one alert changed its details, the other no longer holds.
      const a2 = { ...a, instructorsHistory: ['paul.durand@direccte.gouv.fr', 'marie@direccte.gouv.fr'] };
      expect(await repo().saveEvaluations([{ dsKey: a.dsKey, alerts: [a2] }], T2)).toEqual({ changed: 1, resolved: 1 });
      const [storedA, storedB] = await repo().findPage({ groupId: '75' }, 0, 2);
      expect(storedB).toMatchObject({ alertType: 'receivedAndDelayTooLong', detectedAt: T1, resolvedAt: null });
      expect(storedB.instructorsHistory).toEqual(a2.instructorsHistory);
      expect(storedA).toMatchObject({
        alertType: 'closedAndMessageReceived',
        state: 'closed',
        processedAt: new Date('2021-05-01T10:00:00Z'),
        detectedAt: T1,
        resolvedAt: T2,
      });
      expect(await repo().saveEvaluations([{ dsKey: a.dsKey, alerts: [a2] }], T3)).toEqual({ changed: 0, resolved: 0 });

      // It comes back: reopened, first detection kept.
      expect(await repo().saveEvaluations([{ dsKey: a.dsKey, alerts: [a2, b] }], T3)).toEqual({
        changed: 1,
        resolved: 0,
      });
      expect((await repo().findPage({}, 0, 1))[0]).toMatchObject({
        alertType: 'closedAndMessageReceived',
        detectedAt: T1,
        resolvedAt: null,
      });
      // An empty evaluation resolves everything the dossier had.
      expect(await repo().saveEvaluations([{ dsKey: c.dsKey, alerts: [] }], T3)).toEqual({ changed: 0, resolved: 1 });
      expect(await repo().saveEvaluations([], T3)).toEqual({ changed: 0, resolved: 0 });
    });

    it('counts and pages by group, type and status, in (ds_key, alert_type) order', async () => {
      await repo().saveEvaluations(
        [
          { dsKey: '33588-100003', alerts: [alert('33588-100003', 'refusedAndMessageReceived')] },
          {
            dsKey: '14131-100001',
            alerts: [
              alert('14131-100001', 'receivedAndDelayTooLong'),
              alert('14131-100001', 'closedAndMessageReceived'),
            ],
          },
          {
            dsKey: '14131-100002',
            alerts: [
              alert('14131-100002', 'initiatedAndDelayTooLong', {
                group: { id: '69', type: 'autorisation', label: '69 - Rhône' },
              }),
            ],
          },
        ],
        T1,
      );
      await repo().saveEvaluations([{ dsKey: '33588-100003', alerts: [] }], T2);

      expect(keys(await repo().findPage({}, 0, 10))).toEqual([
        '14131-100001/closedAndMessageReceived',
        '14131-100001/receivedAndDelayTooLong',
        '14131-100002/initiatedAndDelayTooLong',
        '33588-100003/refusedAndMessageReceived',
      ]);
      expect(keys(await repo().findPage({}, 1, 2))).toEqual([
        '14131-100001/receivedAndDelayTooLong',
        '14131-100002/initiatedAndDelayTooLong',
      ]);
      expect(await repo().findPage({}, 4, 2)).toEqual([]);
      expect(await repo().count({})).toBe(4);
      expect(await repo().count({ groupId: '75' })).toBe(3);
      expect(await repo().count({ status: 'open' })).toBe(3);
      expect(await repo().count({ status: 'resolved' })).toBe(1);
      expect(await repo().count({ groupId: '75', alertType: 'receivedAndDelayTooLong', status: 'open' })).toBe(1);
      // A type without open alerts may be absent or zero: both read as none.
      const open = async (groupId?: string) =>
        Object.fromEntries([...(await repo().countOpenByType(groupId))].filter(([, n]) => n > 0).sort());
      expect(await open()).toEqual({
        closedAndMessageReceived: 1,
        initiatedAndDelayTooLong: 1,
        receivedAndDelayTooLong: 1,
      });
      expect(await open('75')).toEqual({ closedAndMessageReceived: 1, receivedAndDelayTooLong: 1 });
      expect(await open('69')).toEqual({ initiatedAndDelayTooLong: 1 });
      expect(await open('33')).toEqual({});
      expect(keys(await repo().findPage({ status: 'resolved' }, 0, 10))).toEqual([
        '33588-100003/refusedAndMessageReceived',
      ]);
    });

    it('streams every alert once, in order, from cursor to cursor', async () => {
      const types: AlertType[] = ['closedAndMessageReceived', 'initiatedAndDelayTooLong', 'receivedAndDelayTooLong'];
      const evaluations = Array.from({ length: 7 }, (_, i) => {
        const dsKey = `14131-${200001 + i}`;
        return { dsKey, alerts: types.slice(0, 1 + (i % 3)).map((t) => alert(dsKey, t)) };
      });
      await repo().saveEvaluations(evaluations, T1);
      const expected = evaluations.flatMap((e) => e.alerts.map((a) => `${a.dsKey}/${a.alertType}`));

      const read: string[] = [];
      let after: { dsKey: string; alertType: string } | null = null;
      for (;;) {
        const page = await repo().findAfter({ status: 'open' }, after, 4);
        if (page.length === 0) break;
        read.push(...keys(page));
        const last = page[page.length - 1];
        after = { dsKey: last.dsKey, alertType: last.alertType };
      }
      expect(read).toEqual(expected);
      expect(await repo().findAfter({ status: 'resolved' }, null, 4)).toEqual([]);
    });

    it('deletes every alert and says how many', async () => {
      await repo().saveEvaluations(
        [{ dsKey: '14131-100001', alerts: [alert('14131-100001', 'receivedAndDelayTooLong')] }],
        T1,
      );
      expect(await repo().deleteAll()).toBe(1);
      expect(await repo().count({})).toBe(0);
      expect(await repo().deleteAll()).toBe(0);
    });
  });
}
