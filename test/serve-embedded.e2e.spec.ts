import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KintoDouble } from './kinto/kinto-double';
import { freePort, WIF } from './helpers/wif';


interface Served {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** `wif serve --demo` in pure embedded mode, resolved once its output holds `ready` (by default, once it listens). */
function serve(env: Record<string, string>, ready = 'Listening on'): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIF, 'serve', '--demo'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const stop = () =>
      new Promise<number | null>((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('close', (code) => done(code));
        child.kill('SIGTERM');
      });
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes(ready)) resolve({ child, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met');
}

describe('wif serve on the embedded default (PGlite)', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wif-serve-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resumes a first start interrupted during seeding, then seeds once, answers checks, and stops cleanly', async () => {
    const port = await freePort();
    const env = { DATA_DIR: dataDir, API_PORT: String(port), DEMO_SEED_DOSSIERS: '300', LOG_LEVEL: 'info' };
    const base = `http://127.0.0.1:${port}/api`;

    // SIGTERM while the demo dossiers are being written: a clean exit, and nothing recorded as done.
    const interrupted = await serve(env, 'EMBEDDED DEMO MODE');
    expect(await interrupted.stop()).toBe(0);
    expect(interrupted.output()).toContain('SIGTERM received, shutting down');

    const first = await serve(env);
    try {
      await waitFor(() => Promise.resolve(first.output().includes('EMBEDDED DEMO MODE') ? true : undefined));
      expect(await (await fetch(`${base}/readiness`)).json()).toMatchObject({ status: 'ok' });
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      // Printed once, by the start that created it (the interrupted one), never again.
      expect(interrupted.output()).toContain(token);
      expect(first.output()).not.toContain(token);
      const auth = { authorization: `Bearer ${token}` };
      const run = await waitFor(async () => {
        const runs = (await (await fetch(`${base}/admin/jobs?job=validity-check`, { headers: auth })).json()) as Array<{
          status: string;
          counts: { read: number; written: number };
        }>;
        return runs.find((r) => r.status === 'succeeded');
      });
      // The resumed seeding completed the set rather than doubling it.
      expect(run.counts.read).toBe(300);
      await waitFor(() => Promise.resolve(first.output().includes('monthly-report: run succeeded') ? true : undefined));
      const invalid = await fetch(`${base}/v1/apt_validity_check/1/2000-01-01`);
      expect(invalid.status).toBe(200);
      expect(await invalid.json()).toEqual({ data: [], status: 'invalid' });
      expect((await fetch(`${base}/v1/apt_validity_check/x/2000-01-01`)).status).toBe(400);
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await serve(env);
    try {
      expect(second.output()).not.toContain('EMBEDDED DEMO MODE');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 240_000);

  it('invents nothing without --demo: no seeding, no generated token', async () => {
    const port = await freePort();
    const plain = mkdtempSync(join(tmpdir(), 'wif-plain-'));
    const child = spawn(process.execPath, [WIF, 'serve'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: plain, API_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    try {
      // Embedded PostgreSQL's first start takes a while on a busy machine.
      await waitFor(() => Promise.resolve(output.includes('Listening on') ? true : undefined), 600);
      expect(output).not.toContain('EMBEDDED DEMO MODE');
      expect(output).toContain('ADMIN_TOKEN is not set');
      expect(existsSync(join(plain, 'admin-token'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      rmSync(plain, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('wif serve when the start fails', () => {
  it('exits non-zero with the reason even though the embedded database is already open', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wif-serve-fail-'));
    // Nothing listens on this port: the Kinto check at start fails after the embedded database was opened.
    const closed = await freePort();
    const child = spawn(process.execPath, [WIF, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        API_PORT: String(await freePort()),
        STORE: 'kinto',
        KINTO_URL: `http://127.0.0.1:${closed}/v1`,
        KINTO_AUTH: 'wif:wif-secret',
        DEMO_SEED_DOSSIERS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      // Bounded by the test's timeout: before the fix the process stayed alive.
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`Cannot use the Kinto server at KINTO_URL=http://127.0.0.1:${closed}/v1`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('wif serve on the embedded demo with STORE=kinto', () => {
  it('seeds the demo and creates the admin token as the default store does, the results going to Kinto', async () => {
    const double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    const dataDir = mkdtempSync(join(tmpdir(), 'wif-serve-kinto-'));
    const port = await freePort();
    const served = await serve({
      DATA_DIR: dataDir,
      API_PORT: String(port),
      DEMO_SEED_DOSSIERS: '50',
      LOG_LEVEL: 'log',
      STORE: 'kinto',
      KINTO_URL: double.url,
      KINTO_AUTH: 'wif:wif-secret',
    });
    try {
      // The demo is seeded right after the service listens.
      await waitFor(() => Promise.resolve(served.output().includes('EMBEDDED DEMO MODE') ? true : undefined));
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      // Printed once, right after the listening line.
      await waitFor(() => Promise.resolve(served.output().includes(token) ? true : undefined));
      // The first full validity run writes its checks into Kinto.
      await waitFor(() =>
        Promise.resolve(double.storedRecords('wif_public', 'validity_keys').length > 0 ? true : undefined),
      );
      const runs = await fetch(`http://127.0.0.1:${port}/api/admin/jobs?job=validity-check`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(runs.status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
      await double.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
