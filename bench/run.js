#!/usr/bin/env node
// `npm run bench`: seeds N synthetic dossiers into a PostgreSQL aggregator, then measures the jobs (time, peak RSS)
// and the public check under load. Figures go to the README by hand. Options: --dossiers N (default 100000),
// --duration S (autocannon seconds, default 15), --connections C (default 50). Needs PostgreSQL at
// BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { Client } = require('pg');
const { URL } = require('node:url');
const autocannon = require('autocannon');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt('dossiers', 100000);
const DURATION = opt('duration', 15);
const CONNECTIONS = opt('connections', 50);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const WIF = join(__dirname, '..', 'dist', 'cli', 'wif.js');
const TOKEN = 'bench-admin-token-0123456789';
const PORT = 4777;

const dbUrl = (name) => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};
const ENV = {
  ...process.env,
  DATABASE_URL: dbUrl('wif_bench_backoffice'),
  AGGREGATOR_DATABASE_URL: dbUrl('wif_bench_aggregator'),
  ADMIN_TOKEN: TOKEN,
  PUBLIC_RATE_LIMIT: '0',
  SCHEDULER_ENABLED: 'false',
  LOG_LEVEL: 'warn',
  API_PORT: String(PORT),
  MAIL_ENABLED: 'false',
};

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `wif ARGS` with the resource reporter preloaded; returns seconds, peak RSS and the JSON summary. */
function measure(wifArgs) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', join(__dirname, 'report-resources.js'), WIF, ...wifArgs], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const match = /@@resources (.*)/.exec(err);
      const resources = match ? JSON.parse(match[1]) : {};
      if (code !== 0) return reject(new Error(`wif ${wifArgs.join(' ')} exited ${code}\n${err}`));
      const last = out.trim().split('\n').pop();
      resolve({ seconds: Number(seconds.toFixed(2)), ...resources, summary: last ? JSON.parse(last) : null });
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('close');
    child.once('close', resolve);
    child.kill('SIGTERM');
  });
}

function startServer(extraEnv) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIF, 'serve'], {
      env: { ...ENV, ...extraEnv, LOG_LEVEL: 'log' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d) => {
      out += d;
      if (out.includes('Listening on')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => reject(new Error(`server exited ${code}\n${out}`)));
  });
}

const peakRssMb = (pid) => {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024);
};

async function load(title, requests, duration = DURATION) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONNECTIONS,
    duration,
    requests,
  });
  const statuses = { '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'], errors: result.errors };
  console.log(
    `${title}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    JSON.stringify(statuses),
  );
  return result;
}

async function main() {
  console.log(`bench: ${N} dossiers, PostgreSQL at ${ADMIN_URL}`);
  for (const name of ['wif_bench_backoffice', 'wif_bench_aggregator']) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${name}`);
  }
  const seed = await measure(['seed-demo', '--dossiers', String(N)]);
  console.log(`seed-demo: ${seed.seconds} s (setup, not a target)`);

  const registered = (job) =>
    measure(['sync', job, '--all']).catch((e) => (/Unknown job/.test(e.message) ? null : Promise.reject(e)));
  const vc = await measure(['sync', 'validity-check', '--all']);
  console.log(`validity-check --all: ${vc.seconds} s, peak RSS ${vc.maxRssMb} MB`, JSON.stringify(vc.summary));
  const alert = await registered('alert');
  if (alert) {
    console.log(`alert --all: ${alert.seconds} s, peak RSS ${alert.maxRssMb} MB`, JSON.stringify(alert.summary));
  }
  if (alert) {
    const file = join(__dirname, 'out', 'alerts.xlsx');
    require('node:fs').mkdirSync(join(__dirname, 'out'), { recursive: true });
    const exported = await measure(['export-alerts', '--out', file]);
    console.log(
      `alerts download (export-alerts): ${exported.seconds} s, ${(exported.summary.bytes / 1048576).toFixed(1)} MiB, peak RSS ${exported.maxRssMb} MB`,
    );
  }
  const monthly = await registered('monthly-report');
  if (monthly) {
    console.log(
      `monthly-report --all: ${monthly.seconds} s, peak RSS ${monthly.maxRssMb} MB`,
      JSON.stringify(monthly.summary),
    );
  }

  const bo = new Client({ connectionString: ENV.DATABASE_URL });
  await bo.connect();
  const valid = (
    await bo.query('SELECT dossier_id, date_de_naissance FROM validity_check ORDER BY random() LIMIT 1000')
  ).rows;
  await bo.end();
  // 2,000 distinct requests: half valid checks, a quarter unknown dossiers, a quarter malformed input.
  const checks = [];
  for (let i = 0; i < 2000; i++) {
    const v = valid[i % Math.max(valid.length, 1)];
    let path;
    if (i % 2 === 0 && v) path = `/api/v1/apt_validity_check/${v.dossier_id}/${v.date_de_naissance}`;
    else if (i % 4 === 1) path = `/api/v1/apt_validity_check/${900000 + i}/1990-01-01`;
    else path = `/api/v1/apt_validity_check/abc${i}/1990-13-01`;
    checks.push({ method: 'GET', path });
  }

  // The limits are counted in the database (batched, shared by replicas): measured with counting on but limits
  // out of reach, and with counting off, to show their cost. The unknown numbers of the mix would use up their
  // budget of wrong birth dates at once under load, so the budget is off in both runs.
  for (const [title, limits] of [
    ['public check, limits counted', { PUBLIC_RATE_LIMIT: '100000000', PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER: '0' }],
    ['public check, limits off', { PUBLIC_RATE_LIMIT: '0', PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER: '0' }],
  ]) {
    const server = await startServer(limits);
    try {
      await load('warm-up', checks.slice(0, 100), 3).catch(() => undefined);
      await load(title, checks);
      console.log(`server peak RSS: ${peakRssMb(server.pid)} MB`);
    } finally {
      await stopServer(server);
    }
  }

  if (alert) {
    // 8 parallel downloads of the alert workbook: DOWNLOAD_CONCURRENCY (2) are built, the others get 503.
    const server = await startServer({});
    try {
      const started = process.hrtime.bigint();
      const answers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const res = await fetch(`http://127.0.0.1:${PORT}/api/admin/alerts/download`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          return { status: res.status, size: (await res.arrayBuffer()).byteLength };
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const served = answers.filter((a) => a.status === 200);
      console.log(
        `8 parallel alert downloads: ${served.length} served (${(served[0]?.size / 1048576).toFixed(1)} MiB each), ` +
          `${answers.length - served.length} refused 503, ${seconds.toFixed(2)} s, server peak RSS ${peakRssMb(server.pid)} MB`,
      );
    } finally {
      await stopServer(server);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
