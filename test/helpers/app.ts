import { ConsoleLogger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { sql } from 'drizzle-orm';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { RootLogger } from '../../src/common/logger';
import { Clock, FixedClock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { procedureConfig } from '../../src/database/aggregator-schema';
import { Databases } from '../../src/database/database';
import { DossierRecordRow } from '../../src/dossier-source/aggregator-row';
import { PROCEDURE_CONFIGS } from '../../src/demo/procedure-configs';
import { configureApp, createFastifyAdapter } from '../../src/server';
import { insertDossierRecords } from './aggregator';
import { createTestDatabase, TestDatabase } from './postgres';
import { SmtpServerOptions, startSmtpServer, TestSmtpServer } from './smtp';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  clock: FixedClock;
  databases: Databases;
  insertDossiers(rows: DossierRecordRow[]): Promise<void>;
  /** Empties the back office's tables and the stand-in aggregator tables between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A provider replaced in the application, e.g. the pause between retries. */
export interface ProviderOverride {
  provide: unknown;
  useValue: unknown;
}

/** The whole application on a database of the test file's own, with a fixed clock and no scheduler. */
export async function createTestApp(
  env: Record<string, string>,
  now: Date,
  options: { overrides?: ProviderOverride[]; rootLogger?: RootLogger } = {},
): Promise<TestApp> {
  const config = loadConfig({
    ADMIN_TOKEN,
    PUBLIC_RATE_LIMIT: '0',
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'error',
    DATA_DIR: '/nonexistent-test-data-dir',
    ...env,
  });
  const clock = new FixedClock(now);
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config, { scheduler: false, rootLogger: options.rootLogger })],
  })
    .overrideProvider(Clock)
    .useValue(clock);
  for (const o of options.overrides ?? []) builder = builder.overrideProvider(o.provide).useValue(o.useValue);
  const moduleRef = await builder.setLogger(new ConsoleLogger({ logLevels: ['error'] })).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), { logger: false });
  if (options.rootLogger) app.useLogger(app.get(PinoNestLogger));
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const databases = app.get(Databases);
  await databases.main.insert(procedureConfig).values(PROCEDURE_CONFIGS);
  return {
    app,
    config,
    clock,
    databases,
    insertDossiers: (rows) => insertDossierRecords(databases, rows),
    reset: async () => {
      await databases.main.execute(
        sql`TRUNCATE validity_check, alert, mail_outbox, monthly_report, synchro_history, job_run, dossier_record`,
      );
      clock.set(now);
    },
    close: () => app.close(),
  };
}

/** The settings that run the application on `db` and send its mail to the loopback `smtp` server. */
export function mailEnv(
  db: TestDatabase,
  smtp: TestSmtpServer,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    MAIL_ENABLED: 'true',
    MAIL_HOST: '127.0.0.1',
    MAIL_PORT: String(smtp.port),
    ...extra,
  };
}

export interface MailTestApp {
  t: TestApp;
  smtp: TestSmtpServer;
  /** Closes the application and the SMTP server, and drops the database. */
  close(): Promise<void>;
}

/** `createTestApp` on a database of its own (`label`), with mail enabled and sent to a loopback SMTP server. */
export async function createMailTestApp(
  label: string,
  env: Record<string, string>,
  now: Date,
  smtpOptions: SmtpServerOptions = {},
): Promise<MailTestApp> {
  const db = await createTestDatabase(label);
  let smtp: TestSmtpServer | undefined;
  try {
    smtp = await startSmtpServer(smtpOptions);
    const t = await createTestApp(mailEnv(db, smtp, env), now);
    const server = smtp;
    return {
      t,
      smtp,
      close: async () => {
        await t.close();
        await server.close();
        await db.drop();
      },
    };
  } catch (error) {
    await smtp?.close();
    await db.drop();
    throw error;
  }
}
