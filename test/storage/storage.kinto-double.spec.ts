import { Logger } from '@nestjs/common';
import { KintoDouble } from '../kinto/kinto-double';
import { KintoBackend, createKintoBackend } from './kinto-backend';
import { alertContract } from './alert.contract';
import { jobLockContract } from './job-lock.contract';
import { jobRunContract } from './job-run.contract';
import { kintoJobLockContract } from './kinto-job-lock.contract';
import { monthlyReportContract } from './monthly-report.contract';
import { outboxContract } from './outbox.contract';
import { synchroHistoryContract } from './synchro-history.contract';
import { validityCheckContract } from './validity-check.contract';

// The double speaks Kinto's HTTP API over a real socket: the repositories, kinto-http and Node's fetch all run as
// in production. A small page size makes every filtered read span several pages.
describe('storage contract: Kinto (in-process double)', () => {
  let double: KintoDouble;
  let backend: KintoBackend;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    backend = await createKintoBackend(
      'kinto-double',
      { url: double.url, user: 'wif', password: 'wif-secret', bucket: 'wif_public', timeoutMs: 5000, pageSize: 20 },
      { dropBucket: false },
    );
  });
  afterAll(async () => {
    await backend?.close();
    await double?.close();
  });
  beforeEach(() => backend.reset());

  validityCheckContract(() => backend);
  jobRunContract(() => backend);
  synchroHistoryContract(() => backend);
  jobLockContract(() => backend);
  alertContract(() => backend);
  outboxContract(() => backend);
  monthlyReportContract(() => backend);
  kintoJobLockContract(() => backend);
});
