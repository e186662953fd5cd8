import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createKintoBackend } from './kinto-backend';
import { kintoJobLockContract } from './kinto-job-lock.contract';
import { storageContracts } from './storage-contracts';

/**
 * The same contract against a real Kinto server (16.x), run by hand outside CI:
 *   docker run --rm -p 8888:8888 kinto/kinto-server   # memory backend, or the `kinto` compose profile
 *   KINTO_URL=http://localhost:8888/v1 KINTO_AUTH=user:password npx jest test/storage/storage.kinto.spec.ts
 * KINTO_AUTH must be an account the server accepts (with the accounts plugin, create it first); each run works in a
 * bucket of its own, deleted at the end.
 */
const url = process.env.KINTO_URL;
const auth = process.env.KINTO_AUTH ?? 'wif-test:wif-test-password';
const run = url ? describe : describe.skip;
if (!url) {
  console.log('storage.kinto.spec.ts skipped: set KINTO_URL (and KINTO_AUTH) to run the contract against a real Kinto');
}

run('storage contract: Kinto server', () => {
  storageContracts(
    async () => {
      Logger.overrideLogger(false);
      const separator = auth.indexOf(':');
      return createKintoBackend(
        'kinto',
        {
          url: url!.replace(/\/+$/, ''),
          user: auth.slice(0, separator),
          password: auth.slice(separator + 1),
          bucket: `wif_test_${randomBytes(4).toString('hex')}`,
          timeoutMs: 10_000,
          pageSize: 20,
        },
        { dropBucket: true },
      );
    },
    { extra: [kintoJobLockContract] },
  );
});
