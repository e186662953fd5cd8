import { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { requestIdOf } from './common/logger';
import { StrictValidationPipe } from './common/strict-validation.pipe';
import { Clock } from './common/clock';
import { AppConfig } from './config/app-config';
import { dashboardPlugin } from './dashboard/dashboard.plugin';
import { DashboardService } from './dashboard/dashboard.service';
import { MetricsService, PublicCheckOutcome } from './metrics/metrics.service';

/** The public check's route pattern, as the metrics label it. */
export const PUBLIC_CHECK_ROUTE = '/api/v1/apt_validity_check/:ds_id/:date';

/** Builds the HTTP application (not yet listening): used by `wif serve` and by the end-to-end tests. */
export async function createServer(config: AppConfig, options: AppOptions): Promise<NestFastifyApplication> {
  const adapter = createFastifyAdapter(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    // Lines logged while the modules start wait for the structured logger, rather than going out in another format.
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  configureApp(app, config);
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
    // One id per request, on every log line written while serving it and in the X-Request-Id answer header.
    genReqId: (req: IncomingMessage) => requestIdOf(req),
  });
}

/** Everything an application needs beyond its modules; shared by the server and the end-to-end tests. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  // helmet's defaults (nosniff, frame and referrer policies, a strict CSP that the OpenAPI UI's bundled assets
  // satisfy). HSTS is the TLS-terminating proxy's business. `upgrade-insecure-requests` is dropped: the service is
  // reached over plain HTTP behind its proxy and on localhost, where it would send the browser to an https:// that
  // does not exist. The middleware is built once: @fastify/helmet builds it again for every request, which cost
  // about a tenth of the public check's throughput.
  const securityHeaders = helmet({
    hsts: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(new StrictValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  app.enableCors({
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
  });
  observeRequests(app);
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

/** Request durations by route pattern and status, and the outcome of every public check, for the metrics. */
function observeRequests(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // An answer about a person's work authorisation, or an admin's data, is never kept by a browser or a proxy.
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    if (request.routeOptions.url === PUBLIC_CHECK_ROUTE) {
      metrics.publicCheck(publicCheckOutcome(reply.statusCode, payload));
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

function publicCheckOutcome(statusCode: number, payload: unknown): PublicCheckOutcome {
  if (statusCode === 429) return 'limited';
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'bad_input';
  return typeof payload === 'string' && payload.endsWith('"status":"valid"}') ? 'valid' : 'invalid';
}
