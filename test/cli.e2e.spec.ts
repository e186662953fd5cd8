import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from './helpers/postgres';
import { wif } from './helpers/wif';

const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop() ?? 'null');

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

  it('exits 1 on an unknown job and 1 on a bad option', async () => {
    const unknown = await wif(['sync', 'no-such-job'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown job no-such-job');
    const badMonth = await wif(['sync', 'monthly-report', '--month', '2020-13'], env);
    expect(badMonth.code).toBe(1);
    expect(badMonth.stderr).toContain('expected YYYY-MM');
  });

  it('refuses to start with a bad configuration, naming each variable (exit 2)', async () => {
    const bad = await wif(['migrate'], { ...env, API_PORT: 'abc', MAIL_PORT: '0' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('API_PORT');
    expect(bad.stderr).toContain('MAIL_PORT');
  });
});
