import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ADMIN_TOKEN_MESSAGE, ADMIN_TOKEN_RULE, ConfigError } from './environment';

/**
 * The data directory holds the embedded database and the demo token: nobody but the service's user may read it.
 * Created 0700, and tightened if it already exists with wider rights.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * In pure embedded (demo) mode with no ADMIN_TOKEN, the admin API still works for a newcomer: a random token is
 * generated once, kept in DATA_DIR/admin-token (mode 600) and printed once, when it is created (`generated`).
 * The file is held to ADMIN_TOKEN's rules. Never done with a real database.
 */
export function withDemoAdminToken(config: AppConfig): { config: AppConfig; generated: string | null } {
  if (config.adminToken || !config.pureEmbedded) return { config, generated: null };
  const file = join(config.dataDir, 'admin-token');
  ensurePrivateDir(config.dataDir);
  let token: string;
  let generated: string | null = null;
  if (existsSync(file)) {
    token = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (!ADMIN_TOKEN_RULE.test(token)) throw new ConfigError([`${file}: ${ADMIN_TOKEN_MESSAGE} (value hidden)`]);
  } else {
    token = randomBytes(24).toString('base64url');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    generated = token;
  }
  Object.assign(config, { adminToken: token });
  return { config, generated };
}
