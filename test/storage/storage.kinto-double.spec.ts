import { Logger } from '@nestjs/common';
import { KintoDouble } from '../kinto/kinto-double';
import { createKintoBackend } from './kinto-backend';
import { kintoJobLockContract } from './kinto-job-lock.contract';
import { storageContracts } from './storage-contracts';

// The double speaks Kinto's HTTP API over a real socket: the repositories, kinto-http and Node's fetch all run as
// in production. A small page size makes every filtered read span several pages.
describe('storage contract: Kinto (in-process double)', () => {
  let double: KintoDouble | undefined;

  storageContracts(
    async () => {
      Logger.overrideLogger(false);
      double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
      return createKintoBackend(
        'kinto-double',
        { url: double.url, user: 'wif', password: 'wif-secret', bucket: 'wif_public', timeoutMs: 5000, pageSize: 20 },
        { dropBucket: false },
      );
    },
    { cleanup: async () => double?.close(), extra: [kintoJobLockContract] },
  );
});
