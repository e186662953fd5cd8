import { sql } from 'drizzle-orm';
import { dossierRecord } from '../../src/database/aggregator-schema';
import { queryRows } from '../../src/database/database';
import { DossierRecordRow } from '../../src/dossier-source/aggregator-row';
import { generateDossierRecords } from '../../src/demo/demo-dataset';
import { PROCEDURE_CONFIGS } from '../../src/demo/procedure-configs';
import { Pause } from '../../src/ds-import/pause';
import { JobName } from '../../src/jobs/job-run';
import { JobRunner } from '../../src/jobs/job-runner.service';
import { ADMIN_TOKEN, createTestApp, TestApp } from '../helpers/app';
import { createTestDatabase, TestDatabase } from '../helpers/postgres';
import { FakeDsServer } from './fake-ds-server';
import { toFakeDossier } from './v1-to-v2';

// 08:00 in Paris on 1 March 2021: the monthly report of February is due.
const NOW = new Date('2021-03-01T07:00:00Z');
const LATER = new Date('2021-03-01T09:00:00Z');
const TOKEN = 'ds-token-equivalence-0b7d';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * The same dossiers reach one application through the DS GraphQL API (SOURCE=ds-api) and another through the
 * aggregator tables, loaded directly: the public check, the alerts and the monthly reports must answer the same.
 */
describe('ds-import feeds the jobs exactly as the aggregator did', () => {
  let dsDb: TestDatabase;
  let aggDb: TestDatabase;
  let ds: FakeDsServer;
  let viaDs: TestApp;
  let viaAggregator: TestApp;
  let dossiers: DossierRecordRow[];

  const run = async (t: TestApp, job: JobName, full: boolean, params: Record<string, unknown> = {}) => {
    const result = await t.app.get(JobRunner).runToEnd(job, { trigger: 'cli', full, params });
    expect({ job, status: result.status, error: result.error }).toEqual({ job, status: 'succeeded', error: null });
    return result;
  };
  const runJobs = async (t: TestApp, full: boolean) => {
    await run(t, 'validity-check', full);
    await run(t, 'alert', full);
    await run(t, 'monthly-report', false, { month: '2021-02' });
    await run(t, 'monthly-report', false, { month: '2020-09' });
  };

  const validityChecks = (t: TestApp) =>
    queryRows<Record<string, unknown>>(
      t.databases.main,
      sql`SELECT ds_key, dossier_id, type, siret, nom, prenom, date_de_naissance, date_de_debut_apt, date_de_fin_apt,
                 fin_apt::text, champs
            FROM validity_check ORDER BY ds_key`,
    );
  const alerts = (t: TestApp) =>
    queryRows<Record<string, unknown>>(
      t.databases.main,
      sql`SELECT ds_key, alert_type, message, url, group_id, group_type, group_label, state, instructors_history,
                 email_usager, email_instructors, date_debut_apt, processed_at::text, resolved_at::text
            FROM alert ORDER BY ds_key, alert_type`,
    );
  const mails = (t: TestApp) =>
    queryRows<Record<string, unknown>>(
      t.databases.main,
      sql`SELECT dedupe_key, kind, recipients, subject, text, state FROM mail_outbox ORDER BY dedupe_key`,
    );
  const report = async (t: TestApp, year: number, month: number) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/admin/monthly-reports/${year}/${month}`,
      headers: AUTH,
    });
    expect(res.statusCode).toBe(200);
    return res.json<unknown>();
  };

  async function expectSameAnswers(): Promise<void> {
    const checks = await validityChecks(viaAggregator);
    expect(checks.length).toBeGreaterThan(20);
    expect(await validityChecks(viaDs)).toEqual(checks);
    const probes = checks.map((c) => `${String(c.dossier_id)}/${String(c.date_de_naissance)}`);
    probes.push(`${dossiers[0].ds_data.id as number}/1900-01-01`, '123/1998-03-07');
    for (const probe of probes) {
      const url = `/api/v1/apt_validity_check/${probe}`;
      const [a, b] = await Promise.all([viaAggregator.app.inject({ url }), viaDs.app.inject({ url })]);
      expect({ probe, status: b.statusCode, body: b.json<unknown>() }).toEqual({
        probe,
        status: a.statusCode,
        body: a.json<unknown>(),
      });
    }
    const expectedAlerts = await alerts(viaAggregator);
    expect(new Set(expectedAlerts.map((a) => a.alert_type)).size).toBeGreaterThan(3);
    expect(await alerts(viaDs)).toEqual(expectedAlerts);
    expect(await mails(viaDs)).toEqual(await mails(viaAggregator));
    for (const [year, month] of [
      [2021, 2],
      [2020, 9],
    ]) {
      const expected = await report(viaAggregator, year, month);
      // Something to compare: dossiers decided that month.
      expect(JSON.stringify(expected)).toMatch(/"more3Months":\{"count":[1-9]/);
      expect(await report(viaDs, year, month)).toEqual(expected);
    }
  }

  beforeAll(async () => {
    // A first import knows only the instructors following each dossier now; so would a first aggregator sync.
    dossiers = [...generateDossierRecords({ count: 600, now: NOW })].map((row) => ({
      ...row,
      metadata: { ...row.metadata, instructors_history: [...((row.ds_data.instructeurs as string[]) ?? [])] },
    }));
    expect(dossiers.every((d) => typeof d.ds_data.initiated_at === 'string')).toBe(true);
    const procedures = PROCEDURE_CONFIGS.flatMap((c) =>
      c.procedures.map((number) => ({ number, group: { id: c.group.id, label: c.group.label }, type: c.group.type })),
    );
    ds = new FakeDsServer(TOKEN, new Set(procedures.map((p) => p.number)));
    for (const row of dossiers) ds.put(toFakeDossier(row));
    await ds.start();
    dsDb = await createTestDatabase('ds_import_equivalence_ds');
    aggDb = await createTestDatabase('ds_import_equivalence_agg');
    const instant = { wait: () => Promise.resolve() };
    viaDs = await createTestApp(
      {
        DATABASE_URL: dsDb.url,
        SOURCE: 'ds-api',
        DS_API_URL: ds.url,
        DS_API_TOKEN: TOKEN,
        DS_PROCEDURES: JSON.stringify(procedures),
      },
      NOW,
      { overrides: [{ provide: Pause, useValue: instant }] },
    );
    viaAggregator = await createTestApp({ DATABASE_URL: aggDb.url }, NOW);
    await viaAggregator.insertDossiers(dossiers);
  });

  afterAll(async () => {
    await viaDs?.close();
    await viaAggregator?.close();
    await ds?.stop();
    await dsDb?.drop();
    await aggDb?.drop();
  });

  it('gives the same public checks, alerts, mails and monthly reports after a full import', async () => {
    const imported = await run(viaDs, 'ds-import', false);
    expect(imported).toMatchObject({ read: dossiers.length, written: dossiers.length, skipped: 0 });
    await runJobs(viaDs, true);
    await runJobs(viaAggregator, true);
    await expectSameAnswers();
  });

  it('and again after changes on DS, with the jobs running incrementally behind the import', async () => {
    viaDs.clock.set(LATER);
    viaAggregator.clock.set(LATER);
    // An accepted APT withdrawn (refused), and one whose end date is corrected.
    const accepted = dossiers.filter(
      (d) => d.state === 'closed' && (d.metadata.group.type ?? 'autorisation') === 'autorisation',
    );
    const withdrawn = structuredClone(accepted[0]);
    const corrected = structuredClone(accepted[1]);
    const updatedAt = LATER.toISOString();
    withdrawn.state = 'refused';
    withdrawn.metadata.state = 'refused';
    Object.assign(withdrawn.ds_data, { state: 'refused', updated_at: updatedAt });
    const aptEnd = (
      corrected.ds_data.champs_private as Array<{ value: string; type_de_champ: { libelle: string } }>
    ).find((c) => c.type_de_champ.libelle === 'Date de fin APT')!;
    aptEnd.value = '2021-12-31';
    corrected.ds_data.updated_at = updatedAt;
    for (const row of [withdrawn, corrected]) {
      ds.put(toFakeDossier(row));
      row.last_modified = LATER;
      await viaAggregator.databases.main.delete(dossierRecord).where(sql`ds_key = ${row.ds_key}`);
    }
    await viaAggregator.insertDossiers([withdrawn, corrected]);

    const imported = await run(viaDs, 'ds-import', false);
    expect(imported.written).toBe(2);
    await runJobs(viaDs, false);
    await runJobs(viaAggregator, false);
    await expectSameAnswers();
    const check = await validityChecks(viaDs);
    expect(check.find((c) => c.ds_key === withdrawn.ds_key)).toBeUndefined();
    expect(check.find((c) => c.ds_key === corrected.ds_key)).toMatchObject({ date_de_fin_apt: '2021-12-31' });
  });
});
