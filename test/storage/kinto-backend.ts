import { Logger } from '@nestjs/common';
import { KintoAlertRepository } from '../../src/alert/alert.kinto.repository';
import { Clock } from '../../src/common/clock';
import { KintoJobRunRepository } from '../../src/jobs/job-run.kinto.repository';
import { bootstrapKinto } from '../../src/kinto/kinto-bootstrap.service';
import { KINTO_COLLECTIONS, KintoConnection, KintoSettings } from '../../src/kinto/kinto-client.provider';
import { KintoJobLock, KintoLockOptions } from '../../src/kinto/kinto-job-lock';
import { KintoOutboxRepository } from '../../src/mail/outbox.kinto.repository';
import { KintoMonthlyReportRepository } from '../../src/monthly-report/monthly-report.kinto.repository';
import { KintoSynchroHistoryRepository } from '../../src/synchro-history/synchro-history.kinto.repository';
import { KintoValidityCheckRepository } from '../../src/validity-check/validity-check.kinto.repository';
import { StorageBackend } from './storage-backend';

/** A Nest logger that keeps the test output clean. */
export const silentLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as Logger;

export interface KintoBackend extends StorageBackend {
  kinto: KintoConnection;
  newKintoLock(clock: Clock, options?: KintoLockOptions): KintoJobLock;
}

/**
 * The Kinto repositories on a bucket of their own, created by the same bootstrap as the service's start. `dropBucket`
 * removes the bucket at the end (a real server); a double is simply stopped by its owner.
 */
export async function createKintoBackend(
  name: string,
  settings: KintoSettings,
  options: { dropBucket: boolean },
): Promise<KintoBackend> {
  const kinto = new KintoConnection(settings);
  await bootstrapKinto(kinto, silentLogger);
  const alerts = new KintoAlertRepository(kinto);
  const outbox = new KintoOutboxRepository(kinto);
  const monthlyReports = new KintoMonthlyReportRepository(kinto);
  return {
    name,
    kinto,
    validityChecks: new KintoValidityCheckRepository(kinto),
    jobRuns: new KintoJobRunRepository(kinto),
    synchroHistory: new KintoSynchroHistoryRepository(kinto),
    alerts,
    outbox,
    monthlyReports,
    newLock: (clock) => new KintoJobLock(kinto, clock),
    newKintoLock: (clock, lockOptions) => new KintoJobLock(kinto, clock, lockOptions),
    separateInstances: true,
    reset: async () => {
      // The repositories' run caches must not outlive what this empties behind their back.
      alerts.dropCache();
      outbox.dropCache();
      monthlyReports.dropCache();
      // One plural DELETE per collection: everything the previous test left.
      for (const collection of KINTO_COLLECTIONS) {
        await kinto.client.bucket(settings.bucket).collection(collection).deleteRecords();
      }
    },
    close: async () => {
      if (options.dropBucket) await kinto.client.deleteBucket(settings.bucket);
    },
  };
}
