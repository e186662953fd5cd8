import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { KintoBootstrapService } from '../kinto/kinto-bootstrap.service';
import { KintoConnection, kintoConnectionProvider } from '../kinto/kinto-client.provider';

/**
 * The connection to the configured STORE, for the repositories that each feature module provides with
 * `storeProvider`. PostgreSQL needs nothing here (its connections are the DatabaseModule's); STORE=kinto opens the
 * Kinto client and prepares the bucket before any job or request.
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.store !== 'kinto') return { module: StorageModule };
    return {
      module: StorageModule,
      imports: [HealthModule],
      providers: [kintoConnectionProvider, KintoBootstrapService],
      exports: [KintoConnection],
    };
  }
}
