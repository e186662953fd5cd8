#!/usr/bin/env node
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { config as loadDotenv } from 'dotenv';
import { ALERT_TYPES, AlertType, isAlertType } from '../alert/alert-type';
import { createLogger } from '../common/logger';
import { AppConfig, loadConfig } from '../config/app-config';
import { ConfigError } from '../config/environment';
import { isJobName, JOB_NAMES, JobName } from '../jobs/job-run';
import { CliContext, exportAlerts, listJobs, migrate, seedDemo, serve, sync } from './commands';

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
// The names of the jobs declared with `@OnJob`: the registry refuses to start if the two differ.
const jobName = (value: string): JobName => {
  if (!isJobName(value)) {
    throw new InvalidArgumentError(`Unknown job ${value}; expected one of ${JOB_NAMES.join(', ')}`);
  }
  return value;
};
const yearMonth = (value: string) => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected YYYY-MM');
  return value;
};

function context(): CliContext {
  // A .env file fills in what the environment does not set; the environment always wins (B21).
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
  return {
    config,
    logger: createLogger({ level: config.logLevel, format: config.logFormat }),
    print: (line) => process.stdout.write(`${line}\n`),
  };
}

const program = new Command('wif').description('Work In France back office').showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP service and the scheduled jobs')
  .action(() => serve(context()));

program
  .command('migrate')
  .description('apply the database migrations')
  .action(() => migrate(context()));

program
  .command('seed-demo')
  .description('write synthetic dossiers into the aggregator tables (demo, benchmarks)')
  .option('--dossiers <n>', 'how many dossiers', positiveInt, 5000)
  .option('--seed <n>', 'random seed', positiveInt)
  .action((options: { dossiers: number; seed?: number }) => seedDemo(context(), options));

program
  .command('sync')
  .description(
    `run a job in the foreground: ${JOB_NAMES.join(', ')} ` +
      '(monthly-report alone: the previous month, mailed, as the cron does; ds-import with SOURCE=ds-api)',
  )
  .argument('<job>', 'the job', jobName)
  .option('--all', 'ignore the watermark: every dossier (every month for monthly-report; ds-import: from the start)')
  .option('--month <YYYY-MM>', 'monthly-report: rebuild this month', yearMonth)
  .option('--mail', 'monthly-report: mail the reports as well')
  .option('--procedure <n>', 'ds-import: only this démarche', positiveInt)
  .action(async (job: JobName, options: { all?: boolean; month?: string; mail?: boolean; procedure?: number }) => {
    const params: Record<string, unknown> = {};
    if (options.month) params.month = options.month;
    if (options.mail) params.mail = true;
    if (options.procedure !== undefined) params.procedure = options.procedure;
    const ok = await sync(context(), job, { all: options.all, params });
    process.exitCode = ok ? 0 : 1;
  });

program
  .command('jobs')
  .description('list recent job runs, one JSON object per line')
  .option('--job <name>', 'only this job', jobName)
  .option('--limit <n>', 'how many', positiveInt, 20)
  .action((options: { job?: JobName; limit: number }) => listJobs(context(), options));

program
  .command('export-alerts')
  .description('write the alert workbook (WIF_dossiers-en-souffrance.xlsx) to a file')
  .requiredOption('--out <file>', 'where to write it')
  .option('--group <id>', 'only this group (UD) id')
  .option('--type <alert_type>', 'only this alert type', alertType)
  .option('--state <open|resolved>', 'only open or only resolved alerts', alertStatus)
  .action((options: { out: string; group?: string; type?: AlertType; state?: 'open' | 'resolved' }) =>
    exportAlerts(context(), {
      out: options.out,
      filter: { groupId: options.group, alertType: options.type, status: options.state },
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`wif: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
