import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

/** The oldest Node versions the service supports, 20 and 22 LTS (require(esm) and current fetch need these). */
const SUPPORTED = ['20.19.0', '22.12.0'];

describe('runtime', () => {
  const root = join(__dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };

  it('declares Node 20 and 22 LTS', () => {
    for (const version of SUPPORTED) expect(semver.satisfies(version, pkg.engines.node)).toBe(true);
  });

  it('installs no production dependency whose engines exclude Node 20 or 22', () => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev || Array.isArray(entry.engines) || !entry.engines?.node) continue;
      for (const version of SUPPORTED) {
        if (!semver.satisfies(version, entry.engines.node)) {
          refused.push(`${path}@${entry.version}: ${entry.engines.node}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });
});
