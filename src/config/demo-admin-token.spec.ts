import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { withDemoAdminToken } from './demo-admin-token';
import { ConfigError } from './environment';

describe('admin token rules', () => {
  it('refuses an ADMIN_TOKEN with whitespace or control characters, which would never match a header', () => {
    for (const token of ['a-long-enough-token with-space', 'a-long-enough-token\twith-tab', ' leading-space-token-xx']) {
      expect(() => loadConfig({ ADMIN_TOKEN: token })).toThrow(ConfigError);
    }
    expect(loadConfig({ ADMIN_TOKEN: 'printable-ascii-token-0123' }).adminToken).toBe('printable-ascii-token-0123');
  });
});

describe('withDemoAdminToken', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wif-token-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const demo = (dataDir: string) => loadConfig({ DATA_DIR: dataDir });

  it('creates the data directory 0700 and the token 0600, and says so only the first time', () => {
    const dataDir = join(root, 'data');
    const first = withDemoAdminToken(demo(dataDir));
    expect(first.generated).toMatch(/^[\x21-\x7e]{16,}$/);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);

    const again = withDemoAdminToken(demo(dataDir));
    expect(again.generated).toBeNull();
    expect(again.config.adminToken).toBe(first.generated);
  });

  it('tightens a data directory that others could read', () => {
    const dataDir = join(root, 'open');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o777);
    withDemoAdminToken(demo(dataDir));
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('holds the token file to the rules of ADMIN_TOKEN', () => {
    const dataDir = join(root, 'bad');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'admin-token'), 'short token\n');
    expect(() => withDemoAdminToken(demo(dataDir))).toThrow(ConfigError);
    writeFileSync(join(dataDir, 'admin-token'), 'a-valid-demo-token-0123456\n');
    expect(withDemoAdminToken(demo(dataDir)).config.adminToken).toBe('a-valid-demo-token-0123456');
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8')).toBe('a-valid-demo-token-0123456\n');
  });

  it('does nothing with a real database', () => {
    const { config, generated } = withDemoAdminToken(
      loadConfig({ DATA_DIR: join(root, 'real'), DATABASE_URL: 'postgres://u@h/db' }),
    );
    expect(generated).toBeNull();
    expect(config.adminToken).toBeNull();
  });
});
