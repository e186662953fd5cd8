import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Databases } from '../database/database';

export type HealthProbe = () => Promise<void>;

export class ProbeTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * Readiness: each backing store answers a trivial query within HEALTH_CHECK_TIMEOUT_MS, and the process is not
 * shutting down. A store that hangs (a half-open connection, a full pool) fails its check instead of hanging the
 * probe until the orchestrator's own timeout, which would say nothing about which store it was.
 */
@Injectable()
export class HealthService {
  private readonly probes = new Map<string, HealthProbe>();
  private stopping = false;
  readonly timeoutMs: number;

  constructor(databases: Databases, config: AppConfig) {
    this.timeoutMs = config.healthCheckTimeoutMs;
    this.probes.set('database', () => databases.pingMain());
    this.probes.set('aggregator', () => databases.pingAggregator());
  }

  /** Other stores (Kinto) add their probe here. */
  addProbe(name: string, probe: HealthProbe): void {
    this.probes.set(name, probe);
  }

  names(): string[] {
    return [...this.probes.keys()];
  }

  /** From now on readiness answers 503, so that the load balancer stops sending requests before the server closes. */
  beginShutdown(): void {
    this.stopping = true;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Runs one probe; rejects with its error, or ProbeTimeoutError past the timeout. */
  async probe(name: string): Promise<void> {
    const probe = this.probes.get(name);
    if (!probe) throw new Error(`no probe ${name}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeTimeoutError(this.timeoutMs)), this.timeoutMs);
    });
    try {
      await Promise.race([probe(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every probe at once: `ok` or `error: <reason>` by name. */
  async check(): Promise<Record<string, string>> {
    const entries = await Promise.all(
      this.names().map(async (name) => {
        try {
          await this.probe(name);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `error: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
