import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { ConfigError } from '../../src/config/environment';
import { HealthService } from '../../src/health/health.service';
import { KintoBootstrapService, bootstrapKinto } from '../../src/kinto/kinto-bootstrap.service';
import {
  KINTO_COLLECTIONS,
  KintoConfigError,
  KintoConnection,
  KintoSettings,
  kintoSettings,
} from '../../src/kinto/kinto-client.provider';
import { KintoDouble } from './kinto-double';

const settings = (url: string, overrides: Partial<KintoSettings> = {}): KintoSettings => ({
  url,
  user: 'wif',
  password: 'wif-secret',
  bucket: 'wif_public',
  timeoutMs: 5000,
  pageSize: 100,
  ...overrides,
});

function recordingLogger() {
  const lines: string[] = [];
  const logger = {
    log: (m: string) => void lines.push(`log ${m}`),
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
  } as unknown as Logger;
  return { logger, lines };
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

const close = (server: Server) => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
};

describe('Kinto bootstrap at start', () => {
  let double: KintoDouble;

  beforeEach(async () => {
    double = await KintoDouble.start({ users: { wif: 'wif-secret', other: 'other-secret' } });
  });
  afterEach(() => double.close());

  it('creates the bucket and every collection, private to the service account', async () => {
    const { logger, lines } = recordingLogger();
    await bootstrapKinto(new KintoConnection(settings(double.url)), logger);

    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/',
      'PUT /v1/buckets/wif_public',
      'POST /v1/batch',
      'POST /v1/batch',
      'GET /v1/buckets/wif_public/collections/validity_checks/records',
    ]);
    expect(double.requests[1].headers['if-none-match']).toBe('*');
    const creations = double.batchSubRequests().filter((s) => s.method === 'PUT');
    expect(creations.map((s) => s.path)).toEqual(KINTO_COLLECTIONS.map((c) => `/buckets/wif_public/collections/${c}`));
    for (const creation of creations) expect(creation.headers['if-none-match']).toBe('*');
    expect(KINTO_COLLECTIONS).toEqual(
      expect.arrayContaining(['monthly_reports', 'alerts', 'validity_checks', 'synchro_histories']),
    );

    expect(double.permissionsOf('wif_public')).toEqual({ write: ['account:wif'] });
    for (const collection of KINTO_COLLECTIONS) {
      expect(double.permissionsOf('wif_public', collection)).toEqual({ write: ['account:wif'] });
    }
    // The last request checks, without credentials, that nothing is readable anonymously.
    const anonymous = double.requests[4];
    expect(anonymous.headers.authorization).toBeUndefined();
    expect(lines.filter((l) => l.startsWith('log created the Kinto collection'))).toHaveLength(
      KINTO_COLLECTIONS.length,
    );
  });

  it('is idempotent: a second start (or a second replica) finds everything in place and changes nothing', async () => {
    await bootstrapKinto(new KintoConnection(settings(double.url)), recordingLogger().logger);
    const before = double.permissionsOf('wif_public');
    const { logger, lines } = recordingLogger();
    await bootstrapKinto(new KintoConnection(settings(double.url)), logger);
    expect(double.permissionsOf('wif_public')).toEqual(before);
    expect(lines.some((l) => l.startsWith('log created'))).toBe(false);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('removes system.Everyone / system.Authenticated from a bucket left public, and says so', async () => {
    await bootstrapKinto(new KintoConnection(settings(double.url)), recordingLogger().logger);
    double.grant('wif_public', null, 'read', 'system.Everyone');
    double.grant('wif_public', 'validity_checks', 'read', 'system.Authenticated');
    double.grant('wif_public', 'validity_checks', 'record:create', 'system.Everyone');
    const { logger, lines } = recordingLogger();

    await bootstrapKinto(new KintoConnection(settings(double.url)), logger);

    expect(double.permissionsOf('wif_public')).toEqual({ write: ['account:wif'], read: [] });
    expect(double.permissionsOf('wif_public', 'validity_checks')).toEqual({
      write: ['account:wif'],
      read: [],
      'record:create': [],
    });
    const patches = double.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => [p.path, p.headers['content-type']])).toEqual([
      ['/v1/buckets/wif_public', 'application/json-patch+json'],
      ['/v1/buckets/wif_public/collections/validity_checks', 'application/json-patch+json'],
    ]);
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  });

  it('refuses to start when the server lets anonymous clients read (server-wide read principals)', async () => {
    const open = await KintoDouble.start({ users: { wif: 'wif-secret' }, everyoneReads: true });
    try {
      await expect(bootstrapKinto(new KintoConnection(settings(open.url)), recordingLogger().logger)).rejects.toThrow(
        /lets anonymous clients read wif_public\/validity_checks/,
      );
    } finally {
      await open.close();
    }
  });

  it('stops with a clear message on wrong credentials', async () => {
    await expect(
      bootstrapKinto(new KintoConnection(settings(double.url, { password: 'nope' })), recordingLogger().logger),
    ).rejects.toThrow('did not accept KINTO_AUTH (user "wif"): check the user name and password');
  });

  it('stops with a clear message when another account owns the bucket', async () => {
    await bootstrapKinto(new KintoConnection(settings(double.url)), recordingLogger().logger);
    await expect(
      bootstrapKinto(
        new KintoConnection(settings(double.url, { user: 'other', password: 'other-secret' })),
        recordingLogger().logger,
      ),
    ).rejects.toThrow('The Kinto user "other" can neither create nor read the bucket wif_public');
  });

  it('stops with a clear message on a read-only server', async () => {
    const readonly = await KintoDouble.start({ users: { wif: 'wif-secret' }, readonly: true });
    try {
      await expect(
        bootstrapKinto(new KintoConnection(settings(readonly.url)), recordingLogger().logger),
      ).rejects.toThrow('is read-only');
    } finally {
      await readonly.close();
    }
  });
});

describe('Kinto bootstrap against what is not a Kinto server', () => {
  const bootstrap = (url: string, timeoutMs = 5000) =>
    bootstrapKinto(new KintoConnection(settings(url, { timeoutMs })), recordingLogger().logger);

  it('names the URL when nothing listens there', async () => {
    const { server, url } = await listen((_req, res) => res.end());
    await close(server);
    await expect(bootstrap(url)).rejects.toThrow(`Cannot use the Kinto server at KINTO_URL=${url}: Kinto unreachable`);
  });

  it('says so when the URL answers something else than Kinto', async () => {
    const json = await listen((_req, res) => res.end(JSON.stringify({ hello: 'world' })));
    const html = await listen((_req, res) => res.end('<html>proxy error</html>'));
    try {
      await expect(bootstrap(json.url)).rejects.toThrow('does not answer like a Kinto server');
      await expect(bootstrap(html.url)).rejects.toThrow(/Cannot use the Kinto server .*unparseable/);
    } finally {
      await close(json.server);
      await close(html.server);
    }
  });

  it('gives up on a server that never answers, after the configured deadline', async () => {
    const { server, url } = await listen(() => undefined);
    try {
      await expect(bootstrap(url, 200)).rejects.toThrow('Kinto did not answer within 200 ms (GET');
    } finally {
      await close(server);
    }
  });
});

describe('Kinto settings', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ STORE: 'kinto', KINTO_URL: 'http://localhost:8888/v1', KINTO_AUTH: 'wif:secret', ...env });

  it('reads KINTO_URL, KINTO_AUTH and KINTO_BUCKET', () => {
    expect(kintoSettings(config({ KINTO_URL: 'http://kinto:8888/v1/', KINTO_AUTH: 'wif:pa:ss' }))).toMatchObject({
      url: 'http://kinto:8888/v1',
      user: 'wif',
      password: 'pa:ss',
      bucket: 'wif_public',
    });
  });

  it('leaves a missing KINTO_AUTH to the configuration check, which names it', () => {
    expect(() => config({ KINTO_AUTH: '' })).toThrow(ConfigError);
    expect(() => config({ KINTO_AUTH: '' })).toThrow('KINTO_AUTH: required when STORE=kinto');
  });

  it.each([
    [{ KINTO_URL: 'http://localhost:8888' }, 'KINTO_URL must be the API root ending with /v1'],
    [{ KINTO_URL: 'http://localhost:8888/v2' }, 'KINTO_URL must be the API root ending with /v1'],
    [{ KINTO_URL: 'http://u:p@localhost:8888/v1' }, 'KINTO_URL must not carry credentials'],
    [{ KINTO_BUCKET: 'wif_batch' }, 'must not contain "batch"'],
    [{ KINTO_BUCKET: 'wif.public' }, 'KINTO_BUCKET must match'],
  ])('refuses %j', (env, message) => {
    expect(() => kintoSettings(config(env))).toThrow(KintoConfigError);
    expect(() => kintoSettings(config(env))).toThrow(message);
  });
});

describe('Kinto readiness probe', () => {
  it('reports the Kinto server in the health check', async () => {
    const double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    const probes = new Map<string, () => Promise<void>>();
    const health = { addProbe: (name: string, probe: () => Promise<void>) => probes.set(name, probe) };
    Logger.overrideLogger(false);
    await new KintoBootstrapService(
      new KintoConnection(settings(double.url)),
      health as unknown as HealthService,
    ).onModuleInit();

    await expect(probes.get('kinto')!()).resolves.toBeUndefined();
    await double.close();
    await expect(probes.get('kinto')!()).rejects.toThrow('Kinto unreachable');
  });
});
