import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config/app-config';
import { ValidityCheck } from './validity-check';

const MAX_ENTRIES = 50_000;

/**
 * Recent public check lookups (found or not), bounded in size and age. The checks change only when a sync job runs
 * (hourly by default), so a short-lived copy costs no correctness and spares the database repeated lookups.
 */
@Injectable()
export class PublicCheckCache {
  private readonly cache: LRUCache<string, { check: ValidityCheck | null }> | null;

  constructor(config: AppConfig) {
    this.cache =
      config.publicCheckCacheMs > 0 ? new LRUCache({ max: MAX_ENTRIES, ttl: config.publicCheckCacheMs }) : null;
  }

  async getOrLoad(key: string, load: () => Promise<ValidityCheck | null>): Promise<ValidityCheck | null> {
    const hit = this.cache?.get(key);
    if (hit) return hit.check;
    const check = await load();
    this.cache?.set(key, { check });
    return check;
  }

  /** After this instance's jobs changed the checks. */
  clear(): void {
    this.cache?.clear();
  }
}
