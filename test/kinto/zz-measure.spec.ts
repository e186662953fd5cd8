import { Logger } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { Databases } from '../../src/database/database';
import { PgValidityCheckRepository } from '../../src/validity-check/validity-check.pg.repository';
import { ValidityCheckRepository } from '../../src/validity-check/validity-check.repository';
import { createKintoBackend } from '../storage/kinto-backend';
import { check } from '../storage/validity-check.contract';
import { createTestDatabase } from '../helpers/postgres';
import { KintoDouble } from './kinto-double';

jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(path: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

async function measure(name: string, repo: ValidityCheckRepository, n: number, lookups: number) {
  const checks = Array.from({ length: n }, (_, i) => check(1_000_000 + i, { dateDeNaissance: `19${String(50 + (i % 50))}-01-01` }));
  for (let i = 0; i < checks.length; i += 1000) await repo.upsertMany(checks.slice(i, i + 1000), new Date());
  const times: number[] = [];
  for (let i = 0; i < 50; i++) await repo.findByDossierAndBirthDate(1_000_000 + i, checks[i].dateDeNaissance);
  for (let i = 0; i < lookups; i++) {
    const k = (i * 7919) % n;
    const t0 = process.hrtime.bigint();
    const found = await repo.findByDossierAndBirthDate(1_000_000 + k, checks[k].dateDeNaissance);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!found) throw new Error('not found');
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.floor(p * (times.length - 1))].toFixed(3);
  console.error(`${name} n=${n}: median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);
}

it('measures', async () => {
  Logger.overrideLogger(false);
  const pglite = await Databases.open(loadConfig({ DATA_DIR: '/nonexistent' }), { inMemory: true });
  await pglite.migrate();
  console.error('start'); await measure('pglite', new PgValidityCheckRepository(pglite), 10_000, 2000);
  await pglite.close();
  const db = await createTestDatabase('measure');
  const pg = await Databases.open(loadConfig({ DATABASE_URL: db.url }));
  await pg.migrate();
  await measure('postgres', new PgValidityCheckRepository(pg), 10_000, 2000);
  await pg.close();
  await db.drop();
  for (const n of [1, 10_000]) {
    const double = await KintoDouble.start({ users: { wif: 'wif-secret' } });
    const backend = await createKintoBackend('k', { url: double.url, user: 'wif', password: 'wif-secret', bucket: 'wif_public', timeoutMs: 10000, pageSize: 500 }, { dropBucket: false });
    await measure('kinto-double', backend.validityChecks, n, 2000);
    await double.close();
  }
}, 600_000);
