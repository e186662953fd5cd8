#!/usr/bin/env node
// `npm run bench`: seeds N synthetic dossiers into a PostgreSQL aggregator, then measures the jobs (time, peak RSS)
// and the public check under load. Figures go to the README by hand. Options: --dossiers N (default 100000),
// --duration S (autocannon seconds, default 15), --connections C (default 50). Needs PostgreSQL at
// BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { Client } = require('pg');
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
      const resources = JSON.parse((/@@resources (.*)/.exec(err) || [, '{}'])[1]);
      if (code !== 0) return reject(new Error(`wif ${wifArgs.join(' ')} exited ${code}\n${err}`));
      const last = out.trim().split('\n').pop();
      resolve({ seconds: Number(seconds.toFixed(2)), ...resources, summary: last ? JSON.parse(last) : null });
    });
  });
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WIF, 'serve'], { env: { ...ENV, LOG_LEVEL: 'log' }, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function load(title, requests) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONNECTIONS,
    duration: DURATION,
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

  const registered = (job) => measure(['sync', job, '--all']).catch((e) => (/Unknown job/.test(e.message) ? null : Promise.reject(e)));
  const vc = await measure(['sync', 'validity-check', '--all']);
  console.log(`validity-check --all: ${vc.seconds} s, peak RSS ${vc.maxRssMb} MB`, JSON.stringify(vc.summary));
  const alert = await registered('alert');
  if (alert) console.log(`alert --all: ${alert.seconds} s, peak RSS ${alert.maxRssMb} MB`, JSON.stringify(alert.summary));
  const monthly = await registered('monthly-report');
  if (monthly) console.log(`monthly-report --all: ${monthly.seconds} s, peak RSS ${monthly.maxRssMb} MB`, JSON.stringify(monthly.summary));

  const bo = new Client({ connectionString: ENV.DATABASE_URL });
  await bo.connect();
  const valid = (await bo.query('SELECT dossier_id, date_de_naissance FROM validity_check ORDER BY random() LIMIT 200')).rows;
  await bo.end();

  const server = await startServer();
  try {
    const checks = [];
    for (let i = 0; i < 200; i++) {
      const v = valid[i % Math.max(valid.length, 1)];
      if (i % 2 === 0 && v) checks.push({ method: 'GET', path: `/api/v1/apt_validity_check/${v.dossier_id}/${v.date_de_naissance}` });
      else if (i % 4 === 1) checks.push({ method: 'GET', path: `/api/v1/apt_validity_check/${900000 + i}/1990-01-01` });
      else checks.push({ method: 'GET', path: `/api/v1/apt_validity_check/abc${i}/1990-13-01` });
    }
    await load('warm-up', checks.slice(0, 20)).catch(() => undefined);
    await load('public check (mixed: valid, unknown, malformed)', checks);

    if (alert) {
      const started = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${PORT}/api/admin/alerts/download`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const size = (await res.arrayBuffer()).byteLength;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`alerts download: HTTP ${res.status}, ${(size / 1024).toFixed(0)} KiB in ${seconds.toFixed(2)} s, server peak RSS ${peakRssMb(server.pid)} MB`);
    }
    console.log(`server peak RSS over the whole run: ${peakRssMb(server.pid)} MB`);
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
