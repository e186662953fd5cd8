import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './helpers/postgres';
import { wif } from './helpers/wif';

const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop() ?? 'null');
/** Every stdout line is a JSON object: results only, the logs are on stderr. */
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('wif CLI (built, against PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('cli');
    dataDir = mkdtempSync(join(tmpdir(), 'wif-cli-'));
    env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates, seeds demo dossiers, runs a job and lists it, each ending with JSON', async () => {
    const migrated = await wif(['migrate'], env);
    expect(migrated.code).toBe(0);
    expect(lastJson(migrated.stdout)).toEqual({ migrated: true });

    const seeded = await wif(['seed-demo', '--dossiers', '400'], env);
    expect(seeded.code).toBe(0);
    expect(lastJson(seeded.stdout)).toEqual({ seeded: 400 });

    const synced = await wif(['sync', 'validity-check', '--all'], env);
    expect(synced.code).toBe(0);
    const summary = lastJson(synced.stdout);
    expect(summary).toMatchObject({ job: 'validity-check', status: 'succeeded', read: 400, failed: 0 });
    expect(summary.written).toBeGreaterThan(0);

    const jobs = await wif(['jobs', '--job', 'validity-check'], env);
    expect(jobs.code).toBe(0);
    const listed = lastJson(jobs.stdout);
    expect(listed).toMatchObject({
      id: summary.id,
      status: 'succeeded',
      counts: { read: 400, skipped: summary.skipped },
    });
    // Every skipped dossier is reported with its key and the reason.
    expect(listed.skipped).toHaveLength(summary.skipped);
    for (const s of listed.skipped) {
      expect(s).toEqual({ dsKey: expect.stringMatching(/^\d+-\d+$/), reason: expect.any(String) });
    }
  });

  it('keeps stdout for results (JSON lines) and writes its logs to stderr', async () => {
    const synced = await wif(['sync', 'validity-check'], { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    expect(synced.code).toBe(0);
    expect(jsonLines(synced.stdout)).toEqual([expect.objectContaining({ job: 'validity-check', status: 'succeeded' })]);
    const logs = jsonLines(synced.stderr);
    expect(logs.length).toBeGreaterThan(0);
    // Standard level names and ISO times; the run's job, id and counts are fields.
    for (const line of logs) {
      expect(line.level).toMatch(/^(trace|debug|info|warn|error|fatal)$/);
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(logs).toContainEqual(
      expect.objectContaining({ job: 'validity-check', runId: expect.any(String), status: 'succeeded', read: 0 }),
    );

    const jobs = await wif(['jobs', '--limit', '2'], { ...env, LOG_LEVEL: 'debug' });
    expect(jobs.code).toBe(0);
    expect(jsonLines(jobs.stdout)).toHaveLength(2);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const result = await wif(['--version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('rebuilds a monthly report by hand without mailing it unless --mail is given', async () => {
    const alone = await wif(['sync', 'monthly-report'], env);
    expect(alone.code).toBe(0);
    const run = lastJson((await wif(['jobs', '--job', 'monthly-report', '--limit', '1'], env)).stdout);
    expect(run.params).toMatchObject({ mail: false });
  });

  it('exits 1 on an unknown job and 1 on a bad option', async () => {
    const unknown = await wif(['sync', 'no-such-job'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown job no-such-job');
    expect(unknown.stderr).toContain('validity-check-cleaner');
    const badMonth = await wif(['sync', 'monthly-report', '--month', '2020-13'], env);
    expect(badMonth.code).toBe(1);
    expect(badMonth.stderr).toContain('expected YYYY-MM');
  });

  it('refuses to start with a bad configuration, one line per variable (exit 2)', async () => {
    const bad = await wif(['migrate'], {
      ...env,
      API_PORT: 'abc',
      MAIL_PORT: '0',
      LOG_LEVEL: 'loud',
      ALERT_CRON: '0 61 * * * *',
    });
    expect(bad.code).toBe(2);
    const lines = bad.stderr.trim().split('\n').slice(1);
    expect(lines.map((l) => /^ {2}- (\w+):/.exec(l)?.[1]).sort()).toEqual([
      'ALERT_CRON',
      'API_PORT',
      'LOG_LEVEL',
      'MAIL_PORT',
    ]);
    expect(bad.stdout).toBe('');
  });

  it('exits 2 at once when STORE=kinto lacks its server settings, instead of hanging', async () => {
    const bad = await wif(['serve'], { ...env, STORE: 'kinto', KINTO_URL: 'http://127.0.0.1:9/v1' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('KINTO_AUTH: required when STORE=kinto');
  });

  it('exits instead of hanging when a start fails (Kinto unreachable: 1; a Kinto URL it refuses: 2)', async () => {
    const kinto = { DATABASE_URL: db.url, DATA_DIR: dataDir, STORE: 'kinto', KINTO_AUTH: 'wif:secret' };
    const unreachable = await wif(['serve'], { ...kinto, KINTO_URL: 'http://127.0.0.1:9/v1', API_PORT: '0' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr + unreachable.stdout).toMatch(/start failed/);
    const refused = await wif(['serve'], { ...kinto, KINTO_URL: 'http://127.0.0.1:9/v2', API_PORT: '0' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('KINTO_URL must be the API root ending with /v1');
  });

  it('refuses the embedded database in production rather than serving invented data (exit 2)', async () => {
    const bad = await wif(['serve'], { DATA_DIR: dataDir, NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(20) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('DATABASE_URL: required when NODE_ENV=production');
    const demo = await wif(['serve', '--demo'], env);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('--demo runs on the embedded database only');
  });
});
