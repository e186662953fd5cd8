#!/usr/bin/env node
import './heap-tuning';
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { config as loadDotenv } from 'dotenv';
import { ALERT_TYPES, AlertType, isAlertType } from '../alert/alert-type';
import { createRootLogger } from '../common/logger';
import { AppConfig, loadConfig } from '../config/app-config';
import { ConfigError } from '../config/environment';
import { isJobName, JOB_NAMES, JobName } from '../jobs/job-run';
import { KintoConfigError } from '../kinto/kinto-client.provider';
import { CliContext, exportAlerts, listJobs, migrate, seedDemo, serve, StartError, sync } from './commands';
import { cliLogStream } from './progress';
import { Shutdown } from './shutdown';

// The names of the jobs declared with `@OnJob`: the registry refuses to start if the two differ.
const jobName = (value: string): JobName => {
  if (!isJobName(value)) {
    throw new InvalidArgumentError(`Unknown job ${value}; expected one of ${JOB_NAMES.join(', ')}`);
  }
  return value;
};

const positiveInt = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
};
const alertType = (value: string): AlertType => {
  if (!isAlertType(value)) throw new InvalidArgumentError(`expected one of ${ALERT_TYPES.join(', ')}`);
  return value;
};
const alertStatus = (value: string): 'open' | 'resolved' => {
  if (value !== 'open' && value !== 'resolved') throw new InvalidArgumentError('expected open or resolved');
  return value;
};
const yearMonth = (value: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected YYYY-MM');
  return value;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require('../../package.json') as { version: string }).version;

/**
 * The validated configuration and the logger. The service logs to stdout; every other command logs to stderr,
 * above its progress bar, and keeps stdout for its JSON result lines (`wif jobs | jq` works).
 */
function context(kind: 'service' | 'command'): CliContext {
  // A .env file fills in what the environment does not set; the environment always wins.
  loadDotenv({ quiet: true });
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const root = createRootLogger({
    level: config.logLevel,
    format: config.logFormat,
    destination: kind === 'service' ? 1 : cliLogStream,
  });
  return { config, root, print: (line) => process.stdout.write(`${line}\n`), version: VERSION };
}

const program = new Command('wif')
  .description('Work In France back office')
  .version(VERSION, '-V, --version')
  .showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP service and the scheduled jobs')
  .option('--demo', 'embedded database only: seed synthetic dossiers on the first start, generate an admin token')
  .action(async (options: { demo?: boolean }) => {
    // Signals are handled from the very start, before the configuration is even read.
    const early = createRootLogger({ level: 'info', format: 'json', destination: 1 });
    const shutdown = new Shutdown(early);
    const ctx = context('service');
    shutdown.useLogger(ctx.root);
    try {
      await serve(ctx, { demo: options.demo === true }, shutdown);
    } catch (error) {
      if (shutdown.requested) process.exit(0);
      // A Kinto setting that only the Kinto client can judge (the /v1 root, no credentials in the URL) is a bad
      // setting all the same.
      if (error instanceof KintoConfigError) {
        process.stderr.write(`Invalid configuration:\n  - ${error.message}\n`);
        process.exit(2);
      }
      if (error instanceof StartError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(error.exitCode);
      }
      // A failed start ends the process: open connections must not keep a half-started service alive.
      ctx.root.fatal({ err: error }, `start failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  });

program
  .command('migrate')
  .description('apply the database migrations')
  .action(() => migrate(context('command')));

program
  .command('seed-demo')
  .description('write synthetic dossiers into the aggregator tables (demo, benchmarks)')
  .option('--dossiers <n>', 'how many dossiers', positiveInt, 5000)
  .option('--seed <n>', 'random seed', positiveInt)
  .action((options: { dossiers: number; seed?: number }) => seedDemo(context('command'), options));

program
  .command('sync')
  .description(
    `run a job in the foreground: ${JOB_NAMES.join(', ')} ` +
      '(monthly-report alone: the previous month, mailed only with --mail; ds-import with SOURCE=ds-api)',
  )
  .argument('<job>', 'the job', jobName)
  .option('--all', 'ignore the watermark: every dossier (every month for monthly-report; ds-import: from the start)')
  .option('--month <YYYY-MM>', 'monthly-report: rebuild this month', yearMonth)
  .option('--mail', 'monthly-report: mail the reports as well (never without it)')
  .option('--procedure <n>', 'ds-import: only this démarche', positiveInt)
  .action(async (job: JobName, options: { all?: boolean; month?: string; mail?: boolean; procedure?: number }) => {
    const params: Record<string, unknown> = {};
    if (options.month) params.month = options.month;
    if (options.procedure !== undefined) params.procedure = options.procedure;
    // By hand, a report is mailed only when asked: the cron mails the previous month, the command line never by
    // surprise.
    if (job === 'monthly-report') params.mail = options.mail === true;
    else if (options.mail) params.mail = true;
    const ok = await sync(context('command'), job, { all: options.all, params });
    process.exitCode = ok ? 0 : 1;
  });

program
  .command('jobs')
  .description('list recent job runs, one JSON object per line')
  .option('--job <name>', 'only this job', jobName)
  .option('--limit <n>', 'how many', positiveInt, 20)
  .action((options: { job?: JobName; limit: number }) => listJobs(context('command'), options));

program
  .command('export-alerts')
  .description('write the alert workbook (WIF_dossiers-en-souffrance.xlsx) to a file')
  .requiredOption('--out <file>', 'where to write it')
  .option('--group <id>', 'only this group (UD) id')
  .option('--type <alert_type>', 'only this alert type', alertType)
  .option('--state <open|resolved>', 'only open or only resolved alerts', alertStatus)
  .action((options: { out: string; group?: string; type?: AlertType; state?: 'open' | 'resolved' }) =>
    exportAlerts(context('command'), {
      out: options.out,
      filter: { groupId: options.group, alertType: options.type, status: options.state },
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`wif: ${error instanceof Error ? error.message : String(error)}\n`);
  // Exit rather than wait: a connection left open by a failed start would keep the process alive for nothing.
  process.exit(1);
});
