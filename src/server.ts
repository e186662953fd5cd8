import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from './app.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { StrictValidationPipe } from './common/strict-validation.pipe';
import { Clock } from './common/clock';
import { AppConfig } from './config/app-config';
import { dashboardPlugin } from './dashboard/dashboard.plugin';
import { DashboardService } from './dashboard/dashboard.service';

/** Builds the HTTP application (not yet listening): used by `wif serve` and by the end-to-end tests. */
export async function createServer(
  config: AppConfig,
  options: AppOptions & { logger?: LoggerService | false },
): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    logger: options.logger ?? undefined,
    abortOnError: false,
  });
  configureApp(app, config);
  return app;
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxyHops > 0 ? config.trustProxyHops : false,
    // Public routes are tiny; anything bigger than this is not for us.
    bodyLimit: 1024 * 1024,
  });
}

/** Everything an application needs beyond its modules; shared by the server and the end-to-end tests. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(new StrictValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  app.enableCors({
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Work In France back office')
      .setDescription(
        `Public APT validity check, and the admin API under /api/${config.adminPrefix}/ (Bearer ADMIN_TOKEN).`,
      )
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  // The staff pages live beside the API, under /, in a plugin of their own (loaded when the server gets ready).
  void app
    .getHttpAdapter()
    .getInstance()
    .register(dashboardPlugin, {
      service: app.get<DashboardService>(DashboardService),
      config,
      clock: app.get<Clock>(Clock),
    });
}
