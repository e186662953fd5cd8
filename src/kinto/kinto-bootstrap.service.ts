import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import KintoClient from 'kinto-http';
import { HealthService } from '../health/health.service';
import { KINTO_COLLECTIONS, KintoConnection } from './kinto-client.provider';
import { kintoStatus, lostParent } from './kinto-records';

/** Principals that would open our data beyond the service account. */
const PUBLIC_PRINCIPALS = ['system.Everyone', 'system.Authenticated'];

export class KintoStartError extends Error {}

type Permissions = Record<string, string[] | undefined>;

interface HelloResponse {
  project_name?: string;
  project_version?: string;
  http_api_version?: string;
  settings?: { readonly?: boolean; batch_max_requests?: number };
  user?: { id: string };
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * Makes the bucket ready for the repositories, or stops the start with a message saying what to fix:
 * 1. the server answers as Kinto and accepts KINTO_AUTH;
 * 2. the bucket and every collection exist (created with `If-None-Match: *`, so several replicas starting together
 *    neither fail nor overwrite one another);
 * 3. nothing is shared beyond the service account: `system.Everyone` / `system.Authenticated` are removed from the
 *    bucket and the collections (validity checks hold birth dates; the public check goes through our API only),
 *    and an anonymous read of the validity checks is verified to be refused.
 */
export async function bootstrapKinto(kinto: KintoConnection, logger: Logger): Promise<void> {
  const { url, user, bucket } = kinto.settings;
  let hello: HelloResponse;
  try {
    hello = (await kinto.client.fetchServerInfo()) as HelloResponse;
  } catch (error) {
    throw new KintoStartError(`Cannot use the Kinto server at KINTO_URL=${url}: ${describe(error)}`);
  }
  if (!hello || typeof hello !== 'object' || !hello.http_api_version || !hello.project_name) {
    throw new KintoStartError(`KINTO_URL=${url} does not answer like a Kinto server (no http_api_version at its root)`);
  }
  if (!hello.user?.id) {
    throw new KintoStartError(
      `Kinto at ${url} did not accept KINTO_AUTH (user "${user}"): check the user name and password`,
    );
  }
  if (hello.settings?.readonly) throw new KintoStartError(`Kinto at ${url} is read-only`);

  await ensureBucket(kinto);
  await ensureCollections(kinto, logger);
  await keepPrivate(kinto, logger);

  const anonymous = await kinto.anonymousStatus(`/buckets/${bucket}/collections/validity_checks/records?_limit=1`);
  if (anonymous < 400) {
    throw new KintoStartError(
      `Kinto at ${url} lets anonymous clients read ${bucket}/validity_checks (HTTP ${anonymous}): remove ` +
        'system.Everyone from the server settings (kinto.bucket_read_principals, kinto.collection_read_principals, ' +
        'kinto.record_read_principals) — validity checks hold birth dates',
    );
  }
  kinto.onRepair(async () => {
    logger.warn(`Kinto at ${url} no longer has the bucket ${bucket} or its collections: creating them again`);
    await bootstrapKinto(kinto, logger);
  });
  logger.log(
    `Kinto ${hello.project_version ?? ''} at ${url}: bucket ${bucket} ready (${KINTO_COLLECTIONS.length} collections, ` +
      `private to ${hello.user.id})`,
  );
}

async function ensureBucket(kinto: KintoConnection): Promise<void> {
  const { url, user, bucket } = kinto.settings;
  try {
    await kinto.client.createBucket(bucket, { safe: true });
    return;
  } catch (error) {
    const status = kintoStatus(error);
    if (status === 412) return;
    if (status === 401) {
      throw new KintoStartError(`Kinto at ${url} refused KINTO_AUTH (user "${user}"): HTTP 401`);
    }
    if (status !== 403) throw new KintoStartError(`Cannot create the Kinto bucket ${bucket}: ${describe(error)}`);
  }
  // Not allowed to create buckets: fine if an administrator created it and shared it with us.
  try {
    await kinto.client.bucket(bucket).getData();
  } catch (error) {
    throw new KintoStartError(
      `The Kinto user "${user}" can neither create nor read the bucket ${bucket} at ${url} ` +
        `(${describe(error)}): create it and give this user write access`,
    );
  }
}

async function ensureCollections(kinto: KintoConnection, logger: Logger): Promise<void> {
  const { bucket, user } = kinto.settings;
  const responses = (await kinto.client.bucket(bucket).batch((b) => {
    for (const name of KINTO_COLLECTIONS) void b.createCollection(name, { safe: true });
  })) as Array<{ status: number; body?: { message?: string } }>;
  for (const [i, response] of responses.entries()) {
    if (response.status === 201) logger.log(`created the Kinto collection ${bucket}/${KINTO_COLLECTIONS[i]}`);
    else if (response.status !== 412) {
      throw new KintoStartError(
        `Cannot create the Kinto collection ${bucket}/${KINTO_COLLECTIONS[i]} as "${user}": HTTP ${response.status} ` +
          `${response.body?.message ?? ''}`.trim(),
      );
    }
  }
}

async function keepPrivate(kinto: KintoConnection, logger: Logger): Promise<void> {
  const { bucket } = kinto.settings;
  const paths = [`/buckets/${bucket}`, ...KINTO_COLLECTIONS.map((c) => `/buckets/${bucket}/collections/${c}`)];
  const responses = (await kinto.client.batch((b: Pick<KintoClient, 'execute'>) => {
    for (const path of paths) void b.execute({ method: 'GET', path, headers: {} });
  })) as Array<{ status: number; body?: { permissions?: Permissions } }>;
  for (const [i, response] of responses.entries()) {
    if (response.status !== 200) {
      throw new KintoStartError(`Cannot read the permissions of ${paths[i]}: HTTP ${response.status}`);
    }
    const open: Permissions = {};
    for (const [permission, principals] of Object.entries(response.body?.permissions ?? {})) {
      const found = (principals ?? []).filter((p) => PUBLIC_PRINCIPALS.includes(p));
      if (found.length) open[permission] = found;
    }
    if (Object.keys(open).length === 0) continue;
    logger.warn(`${paths[i]} was shared with ${JSON.stringify(open)}: removing it, the back office's data is private`);
    const target =
      i === 0 ? kinto.client.bucket(bucket) : kinto.client.bucket(bucket).collection(KINTO_COLLECTIONS[i - 1]);
    await target.removePermissions(open);
  }
}

/** Runs the bootstrap at start (before any job or request) and reports the Kinto server in the readiness check. */
@Injectable()
export class KintoBootstrapService implements OnModuleInit {
  private readonly logger = new Logger('Kinto');

  constructor(
    private readonly kinto: KintoConnection,
    private readonly health: HealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    await bootstrapKinto(this.kinto, this.logger);
    this.health.addProbe('kinto', async () => {
      try {
        await this.kinto.client.bucket(this.kinto.bucket).getData();
      } catch (error) {
        // A server that lost our bucket is repaired here too, not only on the next write.
        if (!lostParent(error) || !(await this.kinto.repair())) throw error;
      }
    });
  }
}
