import { Module } from '@nestjs/common';
import { PublicLimits } from './public-limits.service';
import { PublicRateLimitGuard } from './public-rate-limit.guard';
import { PgSharedCounterRepository } from './shared-counter.pg.repository';
import { SharedCounterRepository } from './shared-counter.repository';
import { SharedCounters } from './shared-counters.service';

/**
 * Limits of the public check. The counters always live in the back office's own database (PostgreSQL or PGlite),
 * whatever STORE says: they must be shared by the replicas and need no Kinto round trip per request.
 */
@Module({
  providers: [
    { provide: SharedCounterRepository, useClass: PgSharedCounterRepository },
    SharedCounters,
    PublicLimits,
    PublicRateLimitGuard,
  ],
  exports: [PublicLimits, PublicRateLimitGuard],
})
export class PublicLimitsModule {}
