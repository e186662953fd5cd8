import { buffer } from 'node:stream/consumers';
import { FixedClock } from '../common/clock';
import { BusyError } from '../common/concurrency-limit';
import { loadConfig } from '../config/app-config';
import { DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { AttachmentResolver, OutboxService } from '../mail/outbox.service';
import { AlertCursor, AlertFilter, StoredAlert } from './alert';
import { AlertRepository } from './alert.repository';
import { AlertService } from './alert.service';
import { ALERT_WORKBOOK_FILENAME, ALERT_WORKBOOK_RESOLVER } from './alert.workbook';

/** Alerts kept in (ds_key, alert_type) order; records the cursors it is asked for. */
class MemoryAlerts extends AlertRepository {
  readonly cursors: Array<AlertCursor | null> = [];

  constructor(private readonly alerts: StoredAlert[]) {
    super();
  }

  findAfter(_filter: AlertFilter, after: AlertCursor | null, limit: number): Promise<StoredAlert[]> {
    this.cursors.push(after);
    const key = (a: { dsKey: string; alertType: string }) => `${a.dsKey}/${a.alertType}`;
    return Promise.resolve(this.alerts.filter((a) => !after || key(a) > key(after)).slice(0, limit));
  }

  saveEvaluations(): never {
    throw new Error('not used');
  }
  deleteAll(): never {
    throw new Error('not used');
  }
  count(): never {
    throw new Error('not used');
  }
  countOpenByType(): never {
    throw new Error('not used');
  }
  findPage(): never {
    throw new Error('not used');
  }
}

const alert = (dsKey: string, alertType: string) => ({ dsKey, alertType }) as StoredAlert;

function serviceOn(alerts: MemoryAlerts): AlertService {
  return new AlertService(
    {} as DossierSourceRepository,
    alerts,
    {} as OutboxService,
    loadConfig({}),
    new FixedClock(new Date('2021-06-01T00:00:00Z')),
  );
}

async function pages(service: AlertService, pageSize: number): Promise<string[][]> {
  const seen: string[][] = [];
  for await (const page of service.alertsForDigest(pageSize)) seen.push(page.map((a) => `${a.dsKey}/${a.alertType}`));
  return seen;
}

describe('AlertService.alertsForDigest', () => {
  const stored = [alert('1-1', 'a'), alert('1-1', 'b'), alert('1-2', 'a'), alert('2-1', 'a'), alert('2-2', 'c')];

  it('reads every alert once, page after page from the last one read', async () => {
    const repository = new MemoryAlerts(stored);
    expect(await pages(serviceOn(repository), 2)).toEqual([['1-1/a', '1-1/b'], ['1-2/a', '2-1/a'], ['2-2/c']]);
    expect(repository.cursors).toEqual([null, { dsKey: '1-1', alertType: 'b' }, { dsKey: '2-1', alertType: 'a' }]);
  });

  it('stops after a full last page on an empty read, without yielding it', async () => {
    const repository = new MemoryAlerts(stored.slice(0, 4));
    expect(await pages(serviceOn(repository), 2)).toEqual([
      ['1-1/a', '1-1/b'],
      ['1-2/a', '2-1/a'],
    ]);
    expect(repository.cursors).toHaveLength(3);
  });

  it('yields nothing when there is no alert', async () => {
    expect(await pages(serviceOn(new MemoryAlerts([])), 2)).toEqual([]);
  });
});

describe('AlertService workbook downloads', () => {
  it('refuses a second download at once, while a mail attachment waits for the slot and then gets its workbook', async () => {
    const resolvers = new Map<string, AttachmentResolver>();
    const outbox = {
      registerAttachmentResolver: (name: string, resolve: AttachmentResolver) => void resolvers.set(name, resolve),
      findByDedupeKeys: () => Promise.resolve(new Map()),
    } as unknown as OutboxService;
    const service = new AlertService(
      {} as DossierSourceRepository,
      new MemoryAlerts([]),
      outbox,
      loadConfig({}),
      new FixedClock(new Date('2021-06-01T00:00:00Z')),
    );
    service.onModuleInit();

    const download = service.workbook({});
    expect(() => service.workbook({})).toThrow(BusyError);
    let attached = false;
    const attachment = resolvers.get(ALERT_WORKBOOK_RESOLVER)!({}).then((file) => ((attached = true), file));
    await new Promise((resolve) => setImmediate(resolve));
    expect(attached).toBe(false);

    expect((await buffer(download)).subarray(0, 2).toString()).toBe('PK');
    const file = await attachment;
    expect(file.filename).toBe(ALERT_WORKBOOK_FILENAME);
    expect(Buffer.from(file.content).subarray(0, 2).toString()).toBe('PK');
    // Both done: the slot is free again.
    expect((await buffer(service.workbook({}))).length).toBeGreaterThan(0);
  });
});
