import { BackendRef } from './storage-backend';

export function synchroHistoryContract(backend: BackendRef): void {
  describe('SynchroHistoryRepository', () => {
    const repo = () => backend().synchroHistory;

    it('keeps one watermark per job, overwritten by each successful run', async () => {
      expect(await repo().get('validity-check')).toBeNull();
      await repo().set('validity-check', new Date('2021-06-01T04:00:00.123Z'));
      await repo().set('alert', new Date('2021-06-01T05:00:00Z'));
      await repo().set('validity-check', new Date('2021-06-02T04:00:00.456Z'));

      expect(await repo().get('validity-check')).toEqual(new Date('2021-06-02T04:00:00.456Z'));
      expect(await repo().get('alert')).toEqual(new Date('2021-06-01T05:00:00Z'));
      expect(await repo().get('monthly-report')).toBeNull();
    });
  });
}
