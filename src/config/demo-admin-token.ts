import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './app-config';

/**
 * In pure embedded (demo) mode with no ADMIN_TOKEN, the admin API still works for a newcomer: a random token is
 * generated once, kept in DATA_DIR/admin-token (mode 600) and printed at start. Never done with a real database.
 */
export function withDemoAdminToken(config: AppConfig): { config: AppConfig; generated: string | null } {
  if (config.adminToken || !config.pureEmbedded) return { config, generated: null };
  const file = join(config.dataDir, 'admin-token');
  let token: string;
  if (existsSync(file)) {
    token = readFileSync(file, 'utf8').trim();
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    token = randomBytes(24).toString('base64url');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  Object.assign(config, { adminToken: token });
  return { config, generated: token };
}
