import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobsModule } from '../jobs/jobs.module';
import { MetricsService } from './metrics.service';
import { OutboxStatsRepository } from './outbox-stats.pg.repository';

/**
 * Prometheus series. The HTTP layer reaches the registry through the application (`app.get`), and the job runner's
 * ended runs through the listener the service registers on it: nothing imports metrics/.
 */
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      imports: [JobsModule],
      providers: [MetricsService, ...(config.store === 'postgres' ? [OutboxStatsRepository] : [])],
      exports: [MetricsService],
    };
  }
}
