import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DsApiClient } from './ds-api.client';
import { DsImportRepository } from './ds-import.repository';
import { DsImportService } from './ds-import.service';
import { Pause, TimerPause } from './pause';

/** The import from the DS GraphQL API. Its job exists only with SOURCE=ds-api, so only then is it scheduled. */
@Module({})
export class DsImportModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DsImportModule,
      providers:
        config.source === 'ds-api'
          ? [{ provide: Pause, useClass: TimerPause }, DsApiClient, DsImportRepository, DsImportService]
          : [],
    };
  }
}
