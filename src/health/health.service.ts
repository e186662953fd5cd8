import { Injectable } from '@nestjs/common';
import { Databases } from '../database/database';

export type HealthProbe = () => Promise<void>;

/** Readiness: each backing store answers a trivial query. */
@Injectable()
export class HealthService {
  private readonly probes = new Map<string, HealthProbe>();

  constructor(databases: Databases) {
    this.probes.set('database', () => databases.pingMain());
    this.probes.set('aggregator', () => databases.pingAggregator());
  }

  /** Other stores (Kinto) add their probe here. */
  addProbe(name: string, probe: HealthProbe): void {
    this.probes.set(name, probe);
  }

  async check(): Promise<Record<string, string>> {
    const entries = await Promise.all(
      [...this.probes].map(async ([name, probe]) => {
        try {
          await probe();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `error: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
