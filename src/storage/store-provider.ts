import { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig, StorageMode } from '../config/app-config';

/** A class that can stand for `T`, whatever its constructor needs (Nest resolves it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Implementation<T> = new (...args: any[]) => T;

/**
 * Provides `token` (an abstract repository, or the job lock) with the implementation of the configured STORE. Each
 * feature module lists its own repositories this way, so that the storage folders know no feature.
 *
 * Only the chosen class is built, through the module's injector: a Kinto repository is never constructed on
 * PostgreSQL (its connection does not exist there), nor the other way round.
 */
export function storeProvider<T>(
  token: abstract new (...args: never[]) => T,
  implementations: Record<StorageMode, Implementation<T>>,
): Provider {
  return {
    provide: token,
    inject: [AppConfig, ModuleRef],
    useFactory: (config: AppConfig, moduleRef: ModuleRef): Promise<T> =>
      moduleRef.create(implementations[config.store] as Type<T>),
  };
}
