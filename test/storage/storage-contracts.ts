import { alertContract } from './alert.contract';
import { jobLockContract } from './job-lock.contract';
import { jobRunContract } from './job-run.contract';
import { monthlyReportContract } from './monthly-report.contract';
import { outboxContract } from './outbox.contract';
import { StorageBackend } from './storage-backend';
import { synchroHistoryContract } from './synchro-history.contract';
import { validityCheckContract } from './validity-check.contract';

/**
 * Declares every storage contract suite in the calling `describe`, against the backend `open` builds before them
 * (then the `extra` suites of that backend). The backend is emptied before each test and closed at the end, after
 * which `cleanup` releases what it ran on.
 */
export function storageContracts<B extends StorageBackend>(
  open: () => Promise<B>,
  options: { cleanup?: () => Promise<void>; extra?: Array<(backend: () => B) => void> } = {},
): void {
  let backend: B | undefined;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
    await options.cleanup?.();
  });
  beforeEach(() => backend!.reset());

  const ref = () => backend!;
  validityCheckContract(ref);
  jobRunContract(ref);
  synchroHistoryContract(ref);
  jobLockContract(ref);
  alertContract(ref);
  outboxContract(ref);
  monthlyReportContract(ref);
  for (const contract of options.extra ?? []) contract(ref);
}
