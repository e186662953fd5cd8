import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Databases } from './database';

@Global()
@Module({
  providers: [
    {
      provide: Databases,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const databases = await Databases.open(config);
        try {
          await databases.migrate();
        } catch (error) {
          await databases.close();
          throw error;
        }
        return databases;
      },
    },
  ],
  exports: [Databases],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Databases) private readonly databases: Databases) {}

  async onApplicationShutdown(): Promise<void> {
    await this.databases.close();
  }
}
