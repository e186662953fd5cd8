import helmet from '@fastify/helmet';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, AppOptions } from './app.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { StrictValidationPipe } from './common/strict-validation.pipe';
import { AppConfig } from './config/app-config';

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
  await configureApp(app, config);
  return app;
}

/** A few KiB: enough for any form of ours, too little to make a parser work hard. */
export const BODY_LIMIT_BYTES = 8 * 1024;

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxyHops > 0 ? config.trustProxyHops : false,
    // No API route takes a body, and the dashboard's forms are a few fields: a body is parsed (before any
    // authentication) only up to this size, 413 beyond.
    bodyLimit: BODY_LIMIT_BYTES,
  });
}

/** Everything an application needs beyond its modules; shared by the server and the end-to-end tests. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  // helmet's defaults (nosniff, frame and referrer policies, a strict CSP that the OpenAPI UI's bundled assets
  // satisfy). HSTS is the TLS-terminating proxy's business.
  // `upgrade-insecure-requests` is dropped: the service is reached over plain HTTP behind its proxy and on
  // localhost, where it would send the browser to an https:// that does not exist.
  await app.register(helmet, {
    hsts: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  // An answer about a person's work authorisation, or an admin's data, is never kept by a browser or a proxy.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
      done(null, payload);
    });
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
}
