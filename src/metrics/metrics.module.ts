import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';
import { OutboxStatsRepository } from './outbox-stats.pg.repository';

/** Prometheus series; global so that the HTTP layer and the job runner reach the one registry. */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      providers: [MetricsService, ...(config.store === 'postgres' ? [OutboxStatsRepository] : [])],
      exports: [MetricsService],
    };
  }
}
