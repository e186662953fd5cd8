import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlertFilter } from '../alert/alert';
import { AlertService } from '../alert/alert.service';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from '../app.module';
import { startErrorReporting } from '../common/error-reporter';
import { RootLogger } from '../common/logger';
import { MetricsService } from '../metrics/metrics.service';
import { AppConfig } from '../config/app-config';
import { withDemoAdminToken } from '../config/demo-admin-token';
import { DemoSeeder } from '../demo/demo-seeder.service';
import { JobRegistry } from '../jobs/job-registry';
import { JobName } from '../jobs/job-run';
import { toJobRunDto } from '../jobs/job-run.dto';
import { JobRunRepository } from '../jobs/job-run.repository';
import { JobRunner } from '../jobs/job-runner.service';
import { createServer } from '../server';
import { createProgress } from './progress';
import { Shutdown } from './shutdown';

export interface CliContext {
  config: AppConfig;
  /** Every log line: stdout for the service, stderr for the other commands. */
  root: RootLogger;
  /** Where the one-line JSON results go (stdout). */
  print: (line: string) => void;
  /** The package version, for error reports. */
  version: string;
}

/** A start-up that cannot go on; `wif` prints the message and exits with `exitCode`. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function withContext<T>(ctx: CliContext, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(ctx.config, { scheduler: false, rootLogger: ctx.root }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** The jobs a demo's first start runs on the seeded data, so that a newcomer gets answers right away. */
const FIRST_JOBS: JobName[] = ['validity-check', 'alert', 'monthly-report'];

/**
 * Runs until SIGTERM/SIGINT; the start of every replica. With `demo` (what `npm start` asks for), pure embedded mode
 * seeds synthetic dossiers on the first start and generates an admin token; without it nothing is invented.
 */
export async function serve(ctx: CliContext, options: { demo: boolean }, shutdown: Shutdown): Promise<void> {
  const log = ctx.root;
  if (options.demo && !ctx.config.pureEmbedded) {
    throw new StartError(
      '--demo runs on the embedded database only: unset DATABASE_URL and AGGREGATOR_DATABASE_URL, or drop --demo',
      2,
    );
  }
  const { config, generated } = options.demo ? withDemoAdminToken(ctx.config) : { config: ctx.config, generated: null };
  startErrorReporting(config.sentry, ctx.version);
  const app = await createServer(config, { scheduler: true, rootLogger: log });
  shutdown.attach(app);
  if (shutdown.requested) return;
  await app.listen({ port: config.port, host: config.host });
  const base = `http://localhost:${config.port}/api`;
  log.info(
    { port: config.port, host: config.host },
    `Listening on ${config.host}:${config.port}; OpenAPI at ${base}/docs`,
  );
  if (config.metricsPort !== null) {
    await app.get(MetricsService).listen(config.metricsPort, config.host);
    log.info({ port: config.metricsPort }, `Metrics on ${config.host}:${config.metricsPort}/metrics`);
  }
  if (!config.adminToken) log.warn('ADMIN_TOKEN is not set: the admin API is disabled');
  if (generated) log.warn(`Demo admin token (kept in ${config.dataDir}/admin-token): ${generated}`);
  if (config.pureEmbedded && !options.demo) {
    log.warn('Embedded database without demo data (`npm start` or `wif serve --demo` seeds synthetic dossiers)');
  }
  if (options.demo) {
    demoFirstStart(app, shutdown).catch((error: unknown) => {
      if (!shutdown.requested) log.error({ err: error }, 'demo first start failed; it is resumed at the next start');
    });
  }
}

/** Seeds, runs the first jobs (full runs mail nothing), and only then records that the first start is done. */
async function demoFirstStart(app: INestApplicationContext, shutdown: Shutdown): Promise<void> {
  const seeder = app.get(DemoSeeder);
  if (!(await seeder.firstStartPending())) return;
  await seeder.seedDemo();
  if (shutdown.requested) return;
  const runner = app.get(JobRunner);
  const names = app.get(JobRegistry).names();
  const runs = await Promise.all(
    FIRST_JOBS.filter((job) => names.includes(job)).map((job) => runner.runToEnd(job, { trigger: 'cli', full: true })),
  );
  if (shutdown.requested) return;
  if (runs.every((run) => run.status === 'succeeded')) await seeder.firstStartDone();
}

export async function migrate(ctx: CliContext): Promise<void> {
  // Opening the database applies the migrations.
  await withContext(ctx, () => Promise.resolve());
  ctx.print(JSON.stringify({ migrated: true }));
}

export async function seedDemo(ctx: CliContext, options: { dossiers: number; seed?: number }): Promise<void> {
  await withContext(ctx, async (app) => {
    const progress = createProgress('seed-demo');
    const written = await app
      .get(DemoSeeder)
      .seed(options.dossiers, { seed: options.seed, onProgress: (done) => progress.update(done, options.dossiers) });
    progress.stop();
    ctx.print(JSON.stringify({ seeded: written }));
  });
}

/** Runs a job in the foreground; resolves to whether it succeeded. */
export async function sync(
  ctx: CliContext,
  job: JobName,
  options: { all?: boolean; params?: Record<string, unknown> },
): Promise<boolean> {
  return withContext(ctx, async (app) => {
    const progress = createProgress(job);
    try {
      const run = await app.get(JobRunner).runToEnd(job, {
        trigger: 'cli',
        full: options.all ?? false,
        params: options.params,
        onProgress: ({ done, total }) => progress.update(done, total),
      });
      progress.stop();
      const dto = toJobRunDto(run);
      ctx.print(JSON.stringify({ id: dto.id, job, status: dto.status, ...dto.counts, error: dto.error }));
      return run.status === 'succeeded';
    } finally {
      progress.stop();
    }
  });
}

export async function listJobs(ctx: CliContext, options: { job?: string; limit: number }): Promise<void> {
  await withContext(ctx, async (app) => {
    const runs = await app.get(JobRunRepository).list(options);
    for (const run of runs) ctx.print(JSON.stringify(toJobRunDto(run)));
  });
}

/** Writes the alert workbook (the same file as GET alerts/download) to `out`. */
export async function exportAlerts(ctx: CliContext, options: { out: string; filter: AlertFilter }): Promise<void> {
  await withContext(ctx, async (app) => {
    await pipeline(app.get(AlertService).workbook(options.filter), createWriteStream(options.out));
    ctx.print(JSON.stringify({ file: options.out, bytes: statSync(options.out).size }));
  });
}
