import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The built CLI (`npm test` builds before jest runs). */
export const WIF = join(__dirname, '..', '..', 'dist', 'cli', 'wif.js');

export interface WifResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `wif ARGS` in a child process with only PATH and the given environment. */
export function wif(args: string[], env: Record<string, string>): Promise<WifResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIF, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A TCP port free on loopback right now, for a service a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
