import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { createTestDatabase, TestDatabase } from '../helpers/postgres';
import { freePort, WIF } from '../helpers/wif';

/**
 * The staff dashboard in a real browser (Debian's Chromium) against the built service and a real OpenID provider,
 * both on loopback: log in as unit staff and as national staff, see only what each may see, filter the alerts,
 * download workbooks, start a job, log out; axe-core on every page; a screenshot of each page in test-output/.
 */

const ROOT = join(__dirname, '..', '..');
const SHOTS = join(ROOT, 'test-output', 'dashboard');
const UNIT_USER = 'agent.paris@dreets.gouv.fr';
const NATIONAL_USER = 'pilote@travail.gouv.fr';
const run = promisify(execFile);

/** A child process, resolved once its output says it is ready. */
function start(args: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes(ready)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('close', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${output.slice(-3000)}`)));
  });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  return new Promise((done) => {
    if (!child || child.exitCode !== null) return done();
    child.once('close', () => done());
    child.kill('SIGTERM');
  });
}

/** The text of the first element matched, trimmed ('' when none). */
async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent({ timeout: 5000 })) ?? '').trim();
}

/** Script errors and Content-Security-Policy refusals seen by each page, checked with its accessibility. */
const pageProblems = new WeakMap<Page, string[]>();

function watch(page: Page): Page {
  const problems: string[] = [];
  pageProblems.set(page, problems);
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return page;
}

describe('staff dashboard in a browser', () => {
  let db: TestDatabase;
  let provider: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  let browser: Browser;
  let base: string;
  let axeSource: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    db = await createTestDatabase('dashboard_browser');
    const [appPort, oidcPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${appPort}`;
    const env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      DATA_DIR: join(ROOT, 'test-output', 'unused-data-dir'),
    };
    // Synthetic dossiers, then the jobs that build what the pages show.
    await run(process.execPath, [WIF, 'seed-demo', '--dossiers', '1500', '--seed', '7'], {
      env: { ...process.env, ...env },
    });
    for (const job of ['validity-check', 'alert', 'monthly-report']) {
      await run(process.execPath, [WIF, 'sync', job, '--all'], { env: { ...process.env, ...env } });
    }
    provider = await start(
      [join(__dirname, 'oidc-provider.mjs')],
      {
        OIDC_PORT: String(oidcPort),
        CLIENT_ID: 'wif-dashboard',
        CLIENT_SECRET: 'test-client-secret-0123456789',
        APP_URL: base,
      },
      'oidc listening',
    );
    server = await start(
      [WIF, 'serve'],
      {
        ...env,
        LOG_LEVEL: 'log',
        API_PORT: String(appPort),
        API_HOST: '127.0.0.1',
        ADMIN_TOKEN: 'test-admin-token-0123456789',
        OIDC_ISSUER_URL: `http://127.0.0.1:${oidcPort}`,
        OIDC_CLIENT_ID: 'wif-dashboard',
        OIDC_CLIENT_SECRET: 'test-client-secret-0123456789',
        PUBLIC_URL: base,
        SESSION_SECRET: 'a-test-session-secret-of-at-least-32-chars',
        STAFF_ACCESS: `${UNIT_USER}: 75; ${NATIONAL_USER.split('@')[1]}: admin`,
      },
      'Listening on',
    );
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    await stop(provider);
    await db?.drop();
  });

  /** Logs in through the provider's own login form; the context then holds the session cookie. */
  async function login(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'fr-FR' });
    const page = watch(await context.newPage());
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    await page.click('#proconnect');
    await page.fill('input[name=login]', email);
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    // The provider asks once for consent to share the e-mail address.
    if (page.url().startsWith(base) === false) await page.click('button[type=submit]');
    await page.waitForURL((url) => url.href.startsWith(base));
    return { context, page };
  }

  /** axe-core in the page (evaluated, not injected as a script tag: the page's CSP forbids inline script). */
  async function expectAccessible(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const result = await (
        globalThis as unknown as {
          axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
        }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect({
      page: name,
      violations: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    }).toEqual({ page: name, violations: [] });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    expect({ page: name, problems: pageProblems.get(page) ?? [] }).toEqual({ page: name, problems: [] });
  }

  it('unit staff see their unit only, filter and download alerts, and log out at the provider too', async () => {
    const { context, page } = await login(UNIT_USER);
    try {
      expect(await text(page.locator('h1'))).toMatch(/Tableau de bord — 75 - Paris/);
      expect(await page.locator('#unite option[value=national]').count()).toBe(0);
      expect(await page.locator('#unite option').allTextContents()).toEqual(expect.arrayContaining(['75 - Paris']));
      expect(await page.locator('svg.wif-chart').count()).toBe(2);
      expect(await page.locator('#decisions-table tbody tr').count()).toBe(24);
      await expectAccessible(page, 'unit-dashboard');

      // Another unit, its workbook, the national view and the jobs are refused.
      expect((await page.goto(`${base}/?unite=13`))?.status()).toBe(403);
      expect(await text(page.locator('h1'))).toMatch('Accès non autorisé');
      expect((await page.goto(`${base}/?unite=national`))?.status()).toBe(403);
      expect((await page.request.get(`${base}/rapports/2024/1/13/telecharger`)).status()).toBe(403);
      expect((await page.request.get(`${base}/rapports/2024/1/national/telecharger`)).status()).toBe(403);
      expect((await page.request.get(`${base}/alertes/telecharger?groupe=13`)).status()).toBe(403);
      expect((await page.goto(`${base}/taches`))?.status()).toBe(403);
      // Nor does the bearer API open with a session cookie.
      expect((await page.request.get(`${base}/api/admin/jobs`)).status()).toBe(401);

      // Alerts: filtered by type, every row of that type, the workbook with the same filters.
      await page.goto(`${base}/alertes`);
      await page.selectOption('#type', 'initiatedAndDelayTooLong');
      await page.selectOption('#etat', 'ouvertes');
      await Promise.all([page.waitForURL(/type=initiatedAndDelayTooLong/), page.click('#filtres button[type=submit]')]);
      const messages = await page.locator('#alertes tbody tr td:nth-child(3)').allTextContents();
      expect(messages.length).toBeGreaterThan(0);
      expect(new Set(messages)).toEqual(new Set(['durée de construction de dossier dépassée']));
      expect(await page.locator('#alertes tbody tr td:nth-child(2)').allTextContents()).toEqual(
        messages.map(() => '75 - Paris'),
      );
      await expectAccessible(page, 'unit-alerts');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#telecharger')]);
      expect(download.suggestedFilename()).toBe('WIF_dossiers-en-souffrance.xlsx');
      expect(
        readFileSync((await download.path()) as string)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');

      // Bad input: a French message, never a 500.
      const bad = await page.goto(`${base}/alertes?type=nimportequoi&page=-1`);
      expect(bad?.status()).toBe(400);
      expect(await text(page.locator('.fr-alert--error'))).toContain('Type d’alerte inconnu');
      await expectAccessible(page, 'bad-input');

      // Reports of the unit, and one workbook.
      await page.goto(`${base}/rapports`);
      const link = page.locator('#rapports tbody tr a').first();
      const [report] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(report.suggestedFilename()).toMatch(/^WIF_\d{4}-\d{2}_ud75\.xlsx$/);
      await expectAccessible(page, 'unit-reports');

      // The APT check of a dossier of the unit (taken from its alerts), of one that does not exist, a malformed one.
      await page.goto(`${base}/alertes?groupe=75`);
      const dossierId = (await text(page.locator('#alertes tbody tr td a'))).split('-')[1];
      await page.goto(`${base}/verification?numero=${dossierId}`);
      expect(await text(page.locator('main h2'))).toBe(`Dossier n° ${dossierId}`);
      expect(await text(page.locator('#resultat'))).toMatch(
        /La vérification publique (répond « valide »|ne répond rien pour ce dossier : .+)/,
      );
      // The APT check, with a number that is not a dossier and a malformed one.
      await page.goto(`${base}/verification?numero=999999999`);
      expect(await text(page.locator('.fr-alert--warning'))).toContain('Aucun dossier n° 999999999 dans vos unités');
      await expectAccessible(page, 'unit-check');
      expect((await page.goto(`${base}/verification?numero=12ab`))?.status()).toBe(400);

      // A state-changing request without the form's token is refused.
      const forged = await page.request.post(`${base}/deconnexion`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
      expect(forged.status()).toBe(403);

      // Logout: the session cookie goes, the provider ends its session and sends the browser back.
      await page.goto(`${base}/`);
      await page.click('form[action="/deconnexion"] button');
      await page.waitForURL((url) => !url.href.startsWith(base));
      await page.click('button[name=logout]');
      await page.waitForURL(`${base}/connexion`);
      await expectAccessible(page, 'login');
      expect((await page.goto(`${base}/alertes`))?.url()).toBe(`${base}/connexion`);
    } finally {
      await context.close();
    }
  });

  it('national staff see every unit and the national view, and start a job', async () => {
    const { context, page } = await login(NATIONAL_USER);
    try {
      expect(await text(page.locator('h1'))).toMatch('Tableau de bord — national');
      expect(await page.locator('#unite option').count()).toBeGreaterThan(10);
      await expectAccessible(page, 'national-dashboard');
      await page.goto(`${base}/?unite=13`);
      expect(await text(page.locator('h1'))).toContain('13');

      await page.goto(`${base}/alertes`);
      expect(Number((await page.locator('#total').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
      await expectAccessible(page, 'national-alerts');

      await page.goto(`${base}/rapports`);
      const [national] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#rapports tbody tr a').first().click(),
      ]);
      expect(national.suggestedFilename()).toMatch(/^WIF_\d{4}-\d{2}_national\.xlsx$/);
      const missing = await page.goto(`${base}/rapports/2019/1/ZZ/telecharger`);
      expect(missing?.status()).toBe(404);
      expect(await text(page.locator('.fr-alert--error'))).toContain("Aucun rapport mensuel pour l'unité ZZ");
      await expectAccessible(page, 'national-reports');

      // A dossier of another unit than Paris: national staff may check it.
      await page.goto(`${base}/alertes?groupe=13`);
      const dossierId = (await text(page.locator('#alertes tbody tr td a'))).split('-')[1];
      await page.goto(`${base}/verification?numero=${dossierId}`);
      expect(await text(page.locator('main h2'))).toBe(`Dossier n° ${dossierId}`);
      expect(await text(page.locator('main dd'))).toMatch(/^13 /);
      await expectAccessible(page, 'national-check');

      await page.goto(`${base}/taches`);
      await expectAccessible(page, 'jobs');
      // A job already running (here: its lock held by another session, as another replica would) is refused.
      const holder = new Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query("SELECT pg_advisory_lock(hashtext('wif-job'), hashtext('alert'))");
        await page.selectOption('#tache', 'alert');
        const refused = page.waitForResponse((r) => r.url() === `${base}/taches/demarrer`);
        await page.click('#demarrer button[type=submit]');
        expect((await refused).status()).toBe(409);
        expect(await text(page.locator('.fr-alert--error'))).toContain('Cette tâche est déjà en cours');
      } finally {
        await holder.end();
      }

      await page.goto(`${base}/taches`);
      await page.selectOption('#tache', 'validity-check-cleaner');
      await Promise.all([page.waitForURL(/\/taches\?demarre=/), page.click('#demarrer button[type=submit]')]);
      expect(await text(page.locator('[role=status]'))).toContain('validity-check-cleaner');
      expect(await text(page.locator('#executions tbody tr').first().locator('th'))).toMatch('validity-check-cleaner');

      // The demonstration login does not exist next to a real database and provider.
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      expect(
        (await page.request.post(`${base}/connexion/demo`, { form: { _csrf: csrf, role: 'national' } })).status(),
      ).toBe(404);
    } finally {
      await context.close();
    }
  });

  it('refuses an address that has no access, saying so in French', async () => {
    const context = await browser.newContext();
    const page = watch(await context.newPage());
    try {
      await page.goto(`${base}/connexion`);
      await page.click('#proconnect');
      await page.fill('input[name=login]', 'quelquun@exemple.com');
      await page.fill('input[name=password]', 'anything');
      await page.click('button[type=submit]');
      const response = page.waitForResponse((r) => r.url().startsWith(`${base}/connexion/retour`));
      if (!page.url().startsWith(base)) await page.click('button[type=submit]');
      expect((await response).status()).toBe(403);
      expect(await text(page.locator('h1'))).toMatch('Accès non autorisé');
      await expectAccessible(page, 'denied');
      expect((await page.goto(`${base}/`))?.url()).toBe(`${base}/connexion`);
    } finally {
      await context.close();
    }
  });
});

describe('staff dashboard on the embedded demo (npm start with nothing set)', () => {
  let dataDir: string;
  let server: ChildProcess | undefined;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wif-demo-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await start(
      [WIF, 'serve'],
      { DATA_DIR: dataDir, API_PORT: String(port), API_HOST: '127.0.0.1', DEMO_SEED_DOSSIERS: '300', LOG_LEVEL: 'log' },
      'Listening on',
    );
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers the demonstration login, marks every page as demo, and keeps the unit role to its unit', async () => {
    const context = await browser.newContext();
    const page = watch(await context.newPage());
    try {
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/connexion');
      expect(await page.locator('#proconnect').count()).toBe(0);
      await page.click('label[for=role-unite]');
      await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/connexion/demo"] button')]);
      for (const path of ['/', '/alertes', '/rapports', '/verification']) {
        await page.goto(`${base}${path}`);
        expect(await text(page.locator('.fr-notice'))).toContain('Démonstration');
        expect(await page.title()).toContain('(démonstration)');
      }
      expect((await page.goto(`${base}/?unite=13`))?.status()).toBe(403);
      expect((await page.goto(`${base}/taches`))?.status()).toBe(403);
      // Without the form's token the demo login is refused.
      const forged = await page.request.post(`${base}/connexion/demo`, { form: { role: 'national' }, maxRedirects: 0 });
      expect(forged.status()).toBe(403);
    } finally {
      await context.close();
    }
  });
});
