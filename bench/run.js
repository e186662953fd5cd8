#!/usr/bin/env node
// `npm run bench`: seeds N synthetic dossiers into a PostgreSQL aggregator, then measures the jobs (time, peak RSS)
// and the public check under load, then the staff pages; then imports dossiers from a DS GraphQL API on loopback
// (SOURCE=ds-api). Figures go to the README by hand. Options: --dossiers N (default 100000), --duration S
// (autocannon seconds, default 15), --connections C (default 50), --import-dossiers N (default 100000, 0 to skip),
// --only ds-import (the import alone), --pages-only (the staff pages again, on the databases of a previous run).
// Needs PostgreSQL at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
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
const IMPORT_N = opt('import-dossiers', 100000);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const WIF = join(__dirname, '..', 'dist', 'cli', 'wif.js');
// Every measured `wif` runs as the image and `npm start` run it (see docs/decisions.md#heap-sized-for-the-service).
const NODE_FLAGS = ['--max-old-space-size=1024'];
const TOKEN = 'bench-admin-token-0123456789';
const SESSION_SECRET = 'bench-session-secret-0123456789-abcdef';
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
  SESSION_SECRET,
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
function measure(wifArgs, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...NODE_FLAGS, '-r', join(__dirname, 'report-resources.js'), WIF, ...wifArgs], {
      env: { ...ENV, ...extraEnv },
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
    const child = spawn(process.execPath, [...NODE_FLAGS, WIF, 'serve'], {
      env: { ...ENV, ...extraEnv, LOG_LEVEL: 'log' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d) => {
      out += d;
      if (!out.includes('Listening on')) return;
      // From here on the output (an access-log line per request) is read and dropped: kept and searched, it cost
      // the bench process, which also runs the load, a third of the public check's measured throughput.
      for (const stream of [child.stdout, child.stderr]) stream.off('data', onData).resume();
      resolve(child);
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

/** `wif sync ds-import` of IMPORT_N dossiers over several démarches from a DS GraphQL API on loopback. */
async function benchDsImport() {
  const { startBenchDsServer } = require('./ds-api-server');
  const token = 'bench-ds-token-0123456789';
  // Ten démarches of four units: 1,000 pages of 100 for 100,000 dossiers.
  const demarches = [14131, 13760, 3272, 33588, 12858, 12859, 6274, 6286, 15151, 15149];
  const groups = {
    14131: '75',
    13760: '75',
    3272: '75',
    33588: '75',
    12858: '13',
    12859: '13',
    6274: '69',
    6286: '69',
  };
  const procedures = demarches.map((number) => ({
    number,
    group: { id: groups[number] ?? '91', label: `${groups[number] ?? '91'} - unité` },
    type: number === 33588 ? 'introduction' : 'autorisation',
  }));
  await admin('DROP DATABASE IF EXISTS wif_bench_import WITH (FORCE)');
  await admin('CREATE DATABASE wif_bench_import');
  const server = await startBenchDsServer({ token, demarches, count: IMPORT_N, now: new Date() });
  // The server runs in this process: its CPU time during the import, to tell it from the import's.
  const cpuAtStart = process.cpuUsage();
  const serverCpu = () => {
    const used = process.cpuUsage(cpuAtStart);
    return (used.user + used.system) / 1000;
  };
  const env = {
    DATABASE_URL: dbUrl('wif_bench_import'),
    AGGREGATOR_DATABASE_URL: '',
    SOURCE: 'ds-api',
    DS_API_URL: server.url,
    DS_API_TOKEN: token,
    DS_PROCEDURES: JSON.stringify(procedures),
  };
  try {
    const pages = demarches.reduce((n, d) => n + Math.ceil(server.count(d) / 100), 0);
    const first = await measure(['sync', 'ds-import'], env);
    console.log(
      `ds-import, ${IMPORT_N} dossiers in ${pages} pages over ${demarches.length} démarches: ${first.seconds} s ` +
        `(CPU ${(first.cpuMs / 1000).toFixed(1)} s in the import, ${(serverCpu() / 1000).toFixed(1)} s in the DS server), ` +
        `peak RSS ${first.maxRssMb} MB`,
      JSON.stringify(first.summary),
    );
    const again = await measure(['sync', 'ds-import'], env);
    console.log(
      `ds-import again, nothing new (the last page of each démarche read again): ${again.seconds} s, peak RSS ${again.maxRssMb} MB`,
      JSON.stringify(again.summary),
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  if (ONLY === 'ds-import') return benchDsImport();
  if (args.includes('--pages-only')) {
    // The staff pages again, on the databases a previous full run left.
    await dashboardPages();
    return;
  }
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
    // 8 parallel downloads of the alert workbook on 100,000 alerts (the generator makes about 10,000 per 100,000
    // dossiers: the table is filled up with copies under other keys, removed afterwards): DOWNLOAD_CONCURRENCY (1)
    // is built, the others get 503 with Retry-After.
    const copies = await fillAlerts(100_000);
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
      await removeAlertCopies(copies);
    }
  }
  await dashboardPages();
  if (IMPORT_N > 0) await benchDsImport();
}

/** Copies of the stored alerts under other keys until there are about `target`; returns the suffix to remove. */
async function fillAlerts(target) {
  const client = new Client({ connectionString: ENV.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM alert');
    const rounds = Math.max(0, Math.ceil(target / Math.max(rows[0].n, 1)) - 1);
    const columns = (
      await client.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'alert' AND column_name <> 'id'",
      )
    ).rows.map((r) => r.column_name);
    const list = columns.map((c) => `"${c}"`).join(', ');
    const values = columns.map((c) => (c === 'ds_key' ? `ds_key || '-copy' || g` : `"${c}"`)).join(', ');
    if (rounds > 0) {
      await client.query(`INSERT INTO alert (${list}) SELECT ${values} FROM alert, generate_series(1, ${rounds}) g`);
    }
    const after = (await client.query('SELECT count(*)::int AS n FROM alert')).rows[0].n;
    console.log(`alerts for the parallel downloads: ${after}`);
    return '-copy';
  } finally {
    await client.end();
  }
}

async function removeAlertCopies(suffix) {
  const client = new Client({ connectionString: ENV.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DELETE FROM alert WHERE ds_key LIKE '%' || $1 || '%'`, [suffix]);
  } finally {
    await client.end();
  }
}

/** Latency percentiles of `count` GETs of `path`, `concurrency` at a time (autocannon gives no p95). */
async function pageLatencies(path, cookie, count = 200, concurrency = 4) {
  const times = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const started = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: { cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (res.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  return { p50: at(0.5), p95: at(0.95), failures };
}

/** Render time of the staff pages, logged in as national staff and as a unit (session cookies sealed here). */
async function dashboardPages() {
  const { loadConfig } = require('../dist/config/app-config');
  const { cookieSettings, StaffCookies } = require('../dist/auth/staff-auth');
  const config = loadConfig(ENV);
  const cookies = new StaffCookies(config);
  const now = Date.now();
  const cookieOf = (role) =>
    `${cookieSettings(config).sessionName}=${cookies.sealSession({ email: 'bench@dreets.gouv.fr', role, via: 'oidc', loggedInAt: now, seenAt: now, csrf: 'x' })}`;
  const national = cookieOf({ kind: 'admin' });
  const unit = cookieOf({ kind: 'units', units: ['75'] });
  // An accepted dossier of unit 75, for the staff's APT check (it reads that one dossier from the aggregator).
  const aggregator = new Client({ connectionString: ENV.AGGREGATOR_DATABASE_URL });
  await aggregator.connect();
  const { rows: checked } = await aggregator.query(
    `SELECT split_part(d.ds_key, '-', 2) AS numero FROM dossier_record d
       JOIN procedure_config p ON d.procedure_id = ANY(p.procedures)
      WHERE p."group"->>'id' = '75' AND d.state = 'closed' ORDER BY d.ds_key LIMIT 1`,
  );
  await aggregator.end();
  const server = await startServer({});
  try {
    for (const [title, path, cookie] of [
      ['dashboard, national', '/', national],
      ['dashboard, unit 75', '/?unite=75', unit],
      ['alerts, all units', '/alertes', national],
      ['alerts, unit 75 open', '/alertes?groupe=75&etat=ouvertes', unit],
      ['monthly reports, unit 75', '/rapports?unite=75', unit],
      ['monthly reports, national', '/rapports', national],
      ['jobs', '/taches', national],
      ...checked.map(({ numero }) => ['APT check, unit 75', `/verification?numero=${numero}`, unit]),
    ]) {
      await pageLatencies(path, cookie, 20);
      const r = await pageLatencies(path, cookie);
      console.log(
        `page ${title}: p50 ${r.p50} ms, p95 ${r.p95} ms (200 GETs, 4 at a time)${r.failures ? `, ${r.failures} not 200` : ''}`,
      );
    }
  } finally {
    await stopServer(server);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
