import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { INestApplicationContext, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlertFilter } from '../alert/alert';
import { AlertService } from '../alert/alert.service';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { withDemoAdminToken } from '../config/demo-admin-token';
import { DemoSeeder } from '../demo/demo-seeder.service';
import { JobRegistry } from '../jobs/job-registry';
import { toJobRunDto } from '../jobs/job-run.dto';
import { JobRunRepository } from '../jobs/job-run.repository';
import { JobRunner } from '../jobs/job-runner.service';
import { createServer } from '../server';
import { createProgress } from './progress';

export interface CliContext {
  config: AppConfig;
  logger: LoggerService;
  /** Where the one-line JSON results go (stdout). */
  print: (line: string) => void;
}

async function withContext<T>(ctx: CliContext, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(ctx.config, { scheduler: false }), {
    logger: ctx.logger,
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Runs until SIGTERM/SIGINT; the start of every replica. */
export async function serve(ctx: CliContext): Promise<void> {
  const logger = new Logger('Serve');
  const { config, generated } = withDemoAdminToken(ctx.config);
  let app: Awaited<ReturnType<typeof createServer>> | undefined;
  let seeded: boolean;
  try {
    app = await createServer(config, { scheduler: true, logger: ctx.logger });
    await app.init();
    seeded = await app.get(DemoSeeder).seedOnFirstStart();
  } catch (error) {
    // Whatever is already open (the embedded database, a pool, a timer) must not keep a failed start alive.
    logger.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    const opened = app;
    await Promise.race([opened?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 3000).unref())]);
    process.exit(1);
  }
  if (seeded) {
    // A newcomer should get answers right away rather than at the next cron tick; full runs mail nothing.
    const runner = app.get(JobRunner);
    for (const job of ['validity-check', 'alert', 'monthly-report']) {
      if (!app.get(JobRegistry).names().includes(job)) continue;
      runner.start(job, { trigger: 'cli', full: true }).catch((e) => logger.warn(`${job}: ${String(e)}`));
    }
  }
  // Close gracefully (stop crons, finish the HTTP requests, flush the embedded database) and exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received, shutting down`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ port: config.port, host: config.host });
  const base = `http://localhost:${config.port}/api`;
  logger.log(`Listening on ${config.host}:${config.port}; OpenAPI at ${base}/docs`);
  if (!config.adminToken) logger.warn('ADMIN_TOKEN is not set: the admin API is disabled');
  if (generated) logger.warn(`Demo admin token (kept in ${config.dataDir}/admin-token): ${generated}`);
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
  job: string,
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
