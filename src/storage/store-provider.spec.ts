import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, StorageMode } from '../config/app-config';
import { storeProvider } from './store-provider';

abstract class Things {
  abstract where(): string;
}

const PG_CONNECTION = 'PG_CONNECTION';
const KINTO_CONNECTION = 'KINTO_CONNECTION';

@Injectable()
class PgThings extends Things {
  constructor(@Inject(PG_CONNECTION) private readonly connection: string) {
    super();
  }
  where(): string {
    return `postgres via ${this.connection}`;
  }
}

@Injectable()
class KintoThings extends Things {
  constructor(@Inject(KINTO_CONNECTION) private readonly connection: string) {
    super();
  }
  where(): string {
    return `kinto via ${this.connection}`;
  }
}

/** A feature module as the application writes them; only the configured store's connection exists, as at run time. */
async function thingsFor(store: StorageMode): Promise<Things> {
  const connection = store === 'kinto' ? KINTO_CONNECTION : PG_CONNECTION;
  @Module({
    providers: [
      { provide: AppConfig, useValue: { store } },
      { provide: connection, useValue: `${store}-connection` },
      storeProvider(Things, { postgres: PgThings, kinto: KintoThings }),
    ],
  })
  class FeatureModule {}
  const moduleRef = await Test.createTestingModule({ imports: [FeatureModule] }).compile();
  return moduleRef.get(Things);
}

describe('storeProvider', () => {
  it("builds the configured store's implementation with its dependencies", async () => {
    const things = await thingsFor('postgres');
    expect(things).toBeInstanceOf(PgThings);
    expect(things.where()).toBe('postgres via postgres-connection');
  });

  it("never builds the other store's implementation, whose connection does not exist", async () => {
    const things = await thingsFor('kinto');
    expect(things).toBeInstanceOf(KintoThings);
    expect(things.where()).toBe('kinto via kinto-connection');
  });
});
