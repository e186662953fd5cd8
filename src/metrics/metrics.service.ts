import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Clock } from '../common/clock';
import { errorReporter } from '../common/error-reporter';
import { AppConfig } from '../config/app-config';
import { Databases } from '../database/database';
import { JobRun } from '../jobs/job-run';
import { JobRunner } from '../jobs/job-runner.service';
import { OutboxStatsRepository } from './outbox-stats.pg.repository';

export type PublicCheckOutcome = 'valid' | 'invalid' | 'bad_input' | 'limited' | 'error';

const COUNTS = ['read', 'written', 'skipped', 'failed'] as const;

/**
 * Prometheus series of the service, on a registry of its own (one per application, so tests do not share one).
 * Served on METRICS_PORT only, apart from the API; see the README for the list and the alert rules.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly logger = new Logger('Jobs');
  private server: Server | null = null;

  private readonly httpChildren = new Map<string, { observe(value: number): void }>();
  private readonly publicCheckChildren = new Map<string, { inc(): void }>();
  private readonly httpDuration = new Histogram({
    name: 'wif_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly publicChecks = new Counter({
    name: 'wif_public_checks_total',
    help: 'Public APT checks by outcome: valid, invalid, bad_input (400), limited (429), error (5xx)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly jobLastSuccess = new Gauge({
    name: 'wif_job_last_success_timestamp_seconds',
    help: 'End of the last successful run of each job (Unix time), as seen by this instance',
    labelNames: ['job'],
    registers: [this.registry],
  });
  private readonly jobLastDuration = new Gauge({
    name: 'wif_job_last_duration_seconds',
    help: 'Duration of the last run of each job, whatever its outcome',
    labelNames: ['job'],
    registers: [this.registry],
  });
  private readonly jobLastCounts = new Gauge({
    name: 'wif_job_last_run_dossiers',
    help: 'Counts of the last run of each job: dossiers read, written, skipped and failed',
    labelNames: ['job', 'count'],
    registers: [this.registry],
  });
  private readonly jobRuns = new Counter({
    name: 'wif_job_runs_total',
    help: 'Runs of each job ended on this instance, by status (failed ones are the failures)',
    labelNames: ['job', 'status'],
    registers: [this.registry],
  });

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Optional() private readonly databases?: Databases,
    @Optional() private readonly outbox?: OutboxStatsRepository,
    @Optional() private readonly runner?: JobRunner,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'wif_' });
    this.registerStorageGauges();
  }

  onModuleInit(): void {
    this.runner?.onJobEnded((run) => this.jobEnded(run));
  }

  /** Called by the HTTP layer at the end of each request; `route` is the pattern, never the raw path. */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    // The labelled child is looked up once per (method, route, status): hashing the labels on every request cost
    // about a fifth of the public check's throughput. Routes are patterns, so the map stays small.
    const key = `${method} ${statusCode} ${route}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels(method, route, String(statusCode));
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  publicCheck(outcome: PublicCheckOutcome): void {
    let child = this.publicCheckChildren.get(outcome);
    if (!child) {
      child = this.publicChecks.labels(outcome);
      this.publicCheckChildren.set(outcome, child);
    }
    child.inc();
  }

  /**
   * Called by the job runner once per run, when it has ended: the run's series, and one log line with the job, the
   * run id and the counts as fields for log queries.
   */
  jobEnded(run: JobRun): void {
    const ended = run.finishedAt ?? this.clock.now();
    const seconds = Math.max(0, ended.getTime() - run.startedAt.getTime()) / 1000;
    this.jobRuns.inc({ job: run.job, status: run.status });
    this.jobLastDuration.set({ job: run.job }, seconds);
    for (const count of COUNTS) this.jobLastCounts.set({ job: run.job, count }, run[count]);
    if (run.status === 'succeeded') this.jobLastSuccess.set({ job: run.job }, ended.getTime() / 1000);
    const fields = {
      msg: `${run.job}: run ${run.status}`,
      job: run.job,
      runId: run.id,
      status: run.status,
      trigger: run.trigger,
      durationMs: Math.round(seconds * 1000),
      read: run.read,
      written: run.written,
      skipped: run.skipped,
      failed: run.failed,
    };
    if (run.status === 'succeeded') {
      this.logger.log(fields);
    } else {
      this.logger.error(fields);
      // The job and run only: the run's error text may quote a dossier, and stays in the run record.
      errorReporter()?.report(new Error(`job ${run.job} ${run.status}`), { job: run.job, runId: run.id });
    }
  }

  async metrics(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Serves `GET /metrics` on its own port; resolves to the port (0 asks the system for a free one). */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.metrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => {
          this.logger.error(`metrics failed: ${error instanceof Error ? error.message : String(error)}`);
          res.writeHead(500).end();
        },
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private registerStorageGauges(): void {
    const databases = this.databases;
    const outbox = this.config.store === 'postgres' ? this.outbox : undefined;
    if (outbox) {
      const clock = this.clock;
      // The last scrape's figures, shared by the two gauges so that one scrape runs one statement.
      let pending: Promise<Awaited<ReturnType<OutboxStatsRepository['stats']>> | null> | null = null;
      const stats = () => {
        pending ??= outbox
          .stats()
          .catch(() => null)
          .finally(() => setImmediate(() => (pending = null)));
        return pending;
      };
      new Gauge({
        name: 'wif_mail_outbox_mails',
        help: 'Mails in the outbox by state (to_send, sent, blocked, failed)',
        labelNames: ['state'],
        registers: [this.registry],
        async collect() {
          const s = await stats();
          if (!s) return;
          for (const [state, n] of Object.entries(s.byState)) this.set({ state }, n);
        },
      });
      new Gauge({
        name: 'wif_mail_outbox_oldest_waiting_seconds',
        help: 'Age of the oldest mail waiting to be sent (0 when none waits)',
        registers: [this.registry],
        async collect() {
          const s = await stats();
          if (!s) return;
          this.set(s.oldestWaiting ? Math.max(0, clock.now().getTime() - s.oldestWaiting.getTime()) / 1000 : 0);
        },
      });
    }
    if (databases) {
      new Gauge({
        name: 'wif_db_pool_connections',
        help: 'PostgreSQL pool connections (pool main or aggregator; state total, idle or waiting clients)',
        labelNames: ['pool', 'state'],
        registers: [this.registry],
        collect() {
          for (const [pool, stats] of Object.entries(databases.poolStats())) {
            this.set({ pool, state: 'total' }, stats.total);
            this.set({ pool, state: 'idle' }, stats.idle);
            this.set({ pool, state: 'waiting' }, stats.waiting);
          }
        },
      });
    }
  }
}
