import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dossierRow } from '../helpers/dossier-row';
import { createTestDatabase, TestDatabase } from '../helpers/postgres';
import { wif as run } from '../helpers/wif';
import { FakeDsServer } from './fake-ds-server';
import { toFakeDossier } from './v1-to-v2';

const TOKEN = 'ds-token-cli-4e8d2a';
const A = 14131;
// Every log line, so that the token's absence from them means something.
const wif = (args: string[], env: Record<string, string>) => run(args, { LOG_LEVEL: 'debug', ...env });

const lastJson = (out: string) => JSON.parse(out.trim().split('\n').pop() ?? 'null') as Record<string, unknown>;

describe('wif sync ds-import (built CLI, GraphQL server on loopback)', () => {
  let db: TestDatabase;
  let ds: FakeDsServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('ds_import_cli');
    ds = new FakeDsServer(TOKEN, new Set([A]));
    for (let i = 0; i < 130; i++) {
      ds.put(
        toFakeDossier(
          dossierRow({
            procedureId: A,
            dossierId: 2000 + i,
            lastModified: `2021-02-01T08:${String(i % 60).padStart(2, '0')}:00Z`,
          }),
        ),
      );
    }
    await ds.start();
    env = {
      DATABASE_URL: db.url,
      SOURCE: 'ds-api',
      DS_API_URL: ds.url,
      DS_API_TOKEN: TOKEN,
      DS_PROCEDURES: JSON.stringify([{ number: A, group: { id: '75', label: '75 - Paris' }, type: 'autorisation' }]),
    };
  });

  afterAll(async () => {
    await ds?.stop();
    await db?.drop();
  });

  it('imports a démarche and ends with the JSON summary, the token nowhere in the output', async () => {
    const result = await wif(['sync', 'ds-import', '--procedure', String(A)], env);
    expect(result.code).toBe(0);
    expect(lastJson(result.stdout)).toMatchObject({
      job: 'ds-import',
      status: 'succeeded',
      read: 130,
      written: 130,
      skipped: 0,
    });
    expect(result.stdout + result.stderr).toContain(`démarche ${A}: 130 read, 130 stored, 0 skipped, 0 deleted`);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('exits 1 with the reason for a démarche that is not configured', async () => {
    const result = await wif(['sync', 'ds-import', '--procedure', '999'], env);
    expect(result.code).toBe(1);
    expect(lastJson(result.stdout)).toMatchObject({ status: 'failed', error: 'Error: démarche 999 is not in DS_PROCEDURES' });
  });

  it('imports into the embedded database too, with no demo data mixed in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wif-ds-import-'));
    try {
      const embedded = { ...env, DATABASE_URL: '', DATA_DIR: dataDir };
      const result = await wif(['sync', 'ds-import'], embedded);
      expect(result.code).toBe(0);
      expect(lastJson(result.stdout)).toMatchObject({ status: 'succeeded', read: 130, written: 130 });
      // The alert job then reads exactly the imported dossiers.
      const alerts = await wif(['sync', 'alert', '--all'], embedded);
      expect(lastJson(alerts.stdout)).toMatchObject({ status: 'succeeded', read: 130 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start without a token, exit 2', async () => {
    const result = await wif(['sync', 'ds-import'], { ...env, DS_API_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DS_API_TOKEN: required when SOURCE=ds-api');
  });
});
