import { INestApplication } from '@nestjs/common';
import { errorReporter } from '../common/error-reporter';
import { RootLogger } from '../common/logger';
import { HealthService } from '../health/health.service';

/**
 * SIGTERM/SIGINT handling of `wif serve`, installed before anything else so that a signal during start-up (migrations,
 * demo seeding) is never lost or left to the default handler (which kills the process mid-write). On the first
 * signal readiness turns 503, then the application closes (crons stop, running jobs get their shutdown hook, HTTP
 * requests finish, databases close) and the process exits 0. A second signal exits at once.
 */
export class Shutdown {
  private app: INestApplication | null = null;
  private signal: NodeJS.Signals | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private log: RootLogger,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => this.request(signal));
  }

  /** Switches to the configured logger once the configuration is read. */
  useLogger(log: RootLogger): void {
    this.log = log;
  }

  /** True once a signal has arrived: start-up work should stop rather than report failures. */
  get requested(): boolean {
    return this.signal !== null;
  }

  /** The application exists: a signal closes it (at once if one came during its creation). */
  attach(app: INestApplication): void {
    this.app = app;
    if (this.signal) void this.close();
  }

  request(signal: NodeJS.Signals): void {
    if (this.signal) {
      this.log.warn({ signal }, `${signal} received again, exiting now`);
      this.exit(1);
      return;
    }
    this.signal = signal;
    this.log.info({ signal }, `${signal} received, shutting down`);
    if (this.app) void this.close();
    // Without an application yet, `attach` closes it as soon as it exists; nothing else holds resources.
  }

  private close(): Promise<void> {
    this.closing ??= this.closeApp();
    return this.closing;
  }

  private async closeApp(): Promise<void> {
    const app = this.app!;
    let code = 0;
    try {
      app.get(HealthService, { strict: false }).beginShutdown();
    } catch {
      // No health module (never in the service): nothing to announce.
    }
    try {
      await app.close();
      this.log.info('shut down cleanly');
    } catch (error) {
      code = 1;
      this.log.error({ err: error }, 'shutdown failed');
    }
    await errorReporter()?.flush(2000);
    this.exit(code);
  }
}
