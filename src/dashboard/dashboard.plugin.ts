import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { HttpException, Logger } from '@nestjs/common';
import { Eta } from 'eta';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlertFilter } from '../alert/alert';
import { ALERT_TYPES } from '../alert/alert-type';
import { LoginFailedError, OidcLogin } from '../auth/oidc-login';
import { roleOf, StaffRole } from '../config/staff-access';
import { cookieSettings, newToken, sameToken, SessionCookie, StaffCookies } from '../auth/staff-auth';
import { maySeeUnit } from '../auth/staff-session';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { JobAlreadyRunningError } from '../jobs/job-errors';
import { parseGroupSlug } from '../monthly-report/monthly-report.rules';
import { CATEGORY_KEYS } from '../monthly-report/monthly-report.view';
import { lineChart, stackedBarChart } from './charts';
import {
  ALERT_TYPE_NAMES,
  CATEGORY_COLORS,
  CATEGORY_NAMES,
  change,
  days,
  DOSSIER_STATES,
  JOB_STATUSES,
  MAIL_STATES,
  monthLabel,
  number,
  parisDateTime,
  shortMonthLabel,
} from './dashboard-format';
import {
  badRequest,
  PageError,
  parseAlertStatus,
  parseAlertType,
  parseDossierNumber,
  parseJobForm,
  parsePage,
  parseReportMonth,
  parseUnitParam,
} from './dashboard-input';
import { UnitChoice } from './dashboard-scope';
import { DashboardService } from './dashboard.service';

export interface DashboardOptions {
  service: DashboardService;
  config: AppConfig;
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: SessionCookie | null;
  }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ALERT_PAGE_SIZE = 50;
/** A session is written back at most once a minute: enough for an idle limit counted in minutes. */
const SEEN_REFRESH_MS = 60_000;
const DEMO_USERS: Record<string, { email: string; role: (units: UnitChoice[]) => StaffRole }> = {
  national: { email: 'agent.national@demo.invalid', role: () => ({ kind: 'admin' }) },
  unite: {
    email: 'agent.unite@demo.invalid',
    role: (units) => ({ kind: 'units', units: [units.find((u) => u.id === '75')?.id ?? units[0]?.id ?? '75'] }),
  },
};

/** Where @gouvfr/dsfr keeps its built CSS, JS, fonts and icons (served by the service itself, no CDN). */
const DSFR_DIST = join(dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');

function contentSecurityPolicy(config: AppConfig): string {
  // The logout form is redirected to the provider: form-action must allow its origin.
  const provider = config.oidc ? ` ${new URL(config.oidc.issuerUrl).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `form-action 'self'${provider}`,
  ].join('; ');
}

/**
 * The staff dashboard: server-rendered DSFR pages under `/`, OpenID Connect login, sealed cookie sessions, a CSRF
 * token on every form. Registered as an encapsulated Fastify plugin beside the Nest routes, so that its cookies,
 * headers and hooks touch neither the public API nor the admin API.
 */
export async function dashboardPlugin(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const { service, config, clock } = options;
  const logger = new Logger('Dashboard');
  const cookies = new StaffCookies(config);
  const names = cookieSettings(config);
  const csp = contentSecurityPolicy(config);
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const oidc = config.oidc
    ? new OidcLogin({
        ...config.oidc,
        redirectUri: `${publicUrl}/connexion/retour`,
        postLogoutRedirectUri: `${publicUrl}/connexion`,
      })
    : null;

  await app.register(fastifyCookie);
  await app.register(fastifyStatic, {
    root: DSFR_DIST,
    prefix: '/static/dsfr/',
    decorateReply: false,
    maxAge: '1d',
    index: false,
  });
  await app.register(fastifyStatic, {
    root: join(__dirname, 'assets'),
    prefix: '/static/wif/',
    decorateReply: false,
    maxAge: '1h',
    index: false,
  });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: join(__dirname, 'views'), autoEscape: true, cache: true }) },
    root: join(__dirname, 'views'),
    production: true,
  });
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16_384 },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
  }
  app.decorateRequest('staff', null);

  const cookieOptions = (path = '/') => ({ path, httpOnly: true, secure: names.secure, sameSite: 'lax' as const });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/static/')) reply.header('cache-control', 'no-store');
    const now = clock.now().getTime();
    const session = cookies.openSession(request.cookies[names.sessionName], now);
    request.staff = session;
    if (session && now - session.seenAt > SEEN_REFRESH_MS) {
      request.staff = { ...session, seenAt: now };
      reply.setCookie(names.sessionName, cookies.sealSession(request.staff), cookieOptions());
    } else if (!session && request.cookies[names.sessionName]) {
      reply.clearCookie(names.sessionName, cookieOptions());
    }
  });

  /** The token of the forms of this page: the session's, or before login a sealed pre-login one. */
  function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    if (request.staff) return request.staff.csrf;
    const existing = cookies.openCsrf(request.cookies[names.csrfName]);
    if (existing) return existing;
    const token = newToken();
    reply.setCookie(names.csrfName, cookies.sealCsrf(token), cookieOptions());
    return token;
  }

  function checkCsrf(request: FastifyRequest): void {
    const given = (request.body as Record<string, unknown> | undefined)?._csrf;
    const expected = request.staff?.csrf ?? cookies.openCsrf(request.cookies[names.csrfName]) ?? undefined;
    if (!sameToken(given, expected)) {
      throw new PageError(403, 'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.');
    }
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    page: string,
    data: Record<string, unknown>,
    status = 200,
  ): Promise<FastifyReply> {
    const html = await reply.viewAsync(page, {
      ...data,
      staff: request.staff,
      isAdmin: request.staff?.role.kind === 'admin',
      demo: config.demoLogin,
      csrf: csrfToken(request, reply),
      path: request.url.split('?')[0],
    });
    return reply.status(status).type('text/html; charset=utf-8').send(html);
  }

  /** The logged-in staff member, or a redirect to the login page (null then). */
  function requireStaff(request: FastifyRequest, reply: FastifyReply): SessionCookie | null {
    if (request.staff) return request.staff;
    void reply.redirect('/connexion', 303);
    return null;
  }

  function requireAdmin(staff: SessionCookie): void {
    if (staff.role.kind !== 'admin') throw new PageError(403, 'Cette page est réservée à l’équipe nationale.');
  }

  /** The unit asked for, checked against what the user may see; `null` for the national view (admins). */
  function chooseUnit(staff: SessionCookie, units: UnitChoice[], asked: string | undefined): UnitChoice | null {
    if (asked === undefined) {
      if (staff.role.kind === 'admin') return null;
      if (!units[0]) throw new PageError(403, 'Aucune des unités de votre compte n’existe dans les données.');
      return units[0];
    }
    if (asked === 'national') {
      if (staff.role.kind !== 'admin') throw new PageError(403, 'La vue nationale est réservée à l’équipe nationale.');
      return null;
    }
    const group = parseGroupSlug(asked);
    if (!maySeeUnit(staff.role, group.id)) throw new PageError(403, 'Vous n’avez pas accès à cette unité.');
    const unit = units.find((u) => u.slug.toUpperCase() === asked.toUpperCase());
    if (!unit) throw new PageError(404, 'Cette unité n’existe pas.');
    return unit;
  }

  app.setErrorHandler(async (error, request, reply) => {
    let status = 500;
    let message = 'Une erreur est survenue. Réessayez plus tard ; si elle persiste, signalez-la à l’équipe nationale.';
    if (error instanceof PageError) {
      status = error.status;
      message = error.message;
    } else if (error instanceof JobAlreadyRunningError) {
      status = 409;
      message = 'Cette tâche est déjà en cours. Attendez la fin de l’exécution avant d’en lancer une autre.';
    } else if (error instanceof HttpException && error.getStatus() < 500) {
      // The services' own refusals (a report never built, say) already speak French.
      status = error.getStatus();
      message = error.message;
    } else if (
      typeof (error as { statusCode?: number }).statusCode === 'number' &&
      (error as { statusCode: number }).statusCode < 500
    ) {
      status = (error as { statusCode: number }).statusCode;
      message = status === 413 ? 'Le formulaire envoyé est trop volumineux.' : 'La requête est mal formée.';
    } else {
      logger.error(
        `${request.method} ${request.url.split('?')[0]}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    return render(request, reply, 'error', { title: titleOf(status), message, status }, status);
  });

  const titleOf = (status: number) =>
    ({
      400: 'Saisie incorrecte',
      401: 'Connexion refusée',
      403: 'Accès non autorisé',
      404: 'Introuvable',
      409: 'Déjà en cours',
    })[status] ?? 'Erreur';

  // --- Login and logout -------------------------------------------------------------------------------------------

  app.get('/connexion', async (request, reply) => {
    if (request.staff) return reply.redirect('/', 303);
    return render(request, reply, 'login', { title: 'Connexion', oidc: oidc !== null, demoLogin: config.demoLogin });
  });

  app.get('/connexion/proconnect', async (request, reply) => {
    if (!oidc) throw new PageError(404, 'La connexion par ProConnect n’est pas configurée sur ce service.');
    try {
      const { url, pending } = await oidc.start();
      reply.setCookie(names.loginName, cookies.sealLogin({ ...pending, startedAt: clock.now().getTime() }), {
        ...cookieOptions('/'),
        maxAge: 600,
      });
      return reply.redirect(url, 303);
    } catch (error) {
      logger.warn(`login start failed: ${error instanceof Error ? (error.cause ?? error).toString() : String(error)}`);
      throw new PageError(502, error instanceof LoginFailedError ? error.publicReason : 'La connexion a échoué.');
    }
  });

  app.get('/connexion/retour', async (request, reply) => {
    if (!oidc) throw new PageError(404, 'La connexion par ProConnect n’est pas configurée sur ce service.');
    const pending = cookies.openLogin(request.cookies[names.loginName], clock.now().getTime());
    reply.clearCookie(names.loginName, cookieOptions('/'));
    if (!pending) {
      throw new PageError(
        400,
        'La connexion a expiré ou a été commencée dans un autre onglet. Recommencez depuis la page de connexion.',
      );
    }
    let outcome;
    try {
      outcome = await oidc.finish(new URL(request.url, publicUrl), pending);
    } catch (error) {
      const cause = error instanceof Error ? String(error.cause ?? error.message) : String(error);
      logger.warn(`login refused: ${cause.slice(0, 200)}`);
      throw new PageError(401, error instanceof LoginFailedError ? error.publicReason : 'La connexion a échoué.');
    }
    const role = roleOf(config.staffAccess, outcome.email);
    if (!role) {
      logger.log('login refused: address not in STAFF_ACCESS');
      return render(request, reply, 'denied', { title: 'Accès non autorisé', email: outcome.email }, 403);
    }
    const now = clock.now().getTime();
    const session: SessionCookie = {
      email: outcome.email,
      role,
      via: 'oidc',
      loggedInAt: now,
      seenAt: now,
      idToken: outcome.idToken,
      csrf: newToken(),
    };
    reply.setCookie(names.sessionName, cookies.sealSession(session), cookieOptions());
    return reply.redirect('/', 303);
  });

  app.post('/connexion/demo', async (request, reply) => {
    if (!config.demoLogin) {
      throw new PageError(404, 'La connexion de démonstration n’existe que sur les données de démonstration.');
    }
    checkCsrf(request);
    const choice = (request.body as Record<string, unknown> | undefined)?.role;
    const user = typeof choice === 'string' ? DEMO_USERS[choice] : undefined;
    if (!user || !Object.hasOwn(DEMO_USERS, choice as string)) {
      throw badRequest('Choisissez le rôle national ou le rôle d’unité.');
    }
    const now = clock.now().getTime();
    const role = user.role(await service.units({ kind: 'admin' }));
    const session: SessionCookie = {
      email: user.email,
      role,
      via: 'demo',
      loggedInAt: now,
      seenAt: now,
      csrf: newToken(),
    };
    reply.setCookie(names.sessionName, cookies.sealSession(session), cookieOptions());
    return reply.redirect('/', 303);
  });

  app.post('/deconnexion', async (request, reply) => {
    const staff = request.staff;
    if (staff) checkCsrf(request);
    reply.clearCookie(names.sessionName, cookieOptions());
    if (staff?.via === 'oidc' && oidc) {
      try {
        const url = await oidc.logoutUrl(staff.idToken);
        if (url) return reply.redirect(url, 303);
      } catch (error) {
        logger.warn(`provider logout unavailable: ${String(error)}`);
      }
    }
    return reply.redirect('/connexion', 303);
  });

  // --- Pages ------------------------------------------------------------------------------------------------------

  app.get('/', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const query = request.query as Record<string, unknown>;
    const units = await service.units(staff.role);
    const unit = chooseUnit(staff, units, parseUnitParam(query));
    const figures = await service.figures(unit ? { id: unit.id, type: unit.type } : null);
    const labels = figures.months.map((m) => shortMonthLabel(m.month));
    const decisions = stackedBarChart(
      'Décisions par mois',
      'decisions',
      labels,
      CATEGORY_KEYS.map((key) => ({
        label: CATEGORY_NAMES[key],
        color: CATEGORY_COLORS[key],
        values: figures.months.map((m) => m.counts[key]),
      })),
    );
    const delays = unit
      ? lineChart('Délai de traitement des APT ≥ 3 mois (jours)', 'delais', labels, [
          { label: 'Médiane', color: '#0063cb', values: figures.months.map((m) => m.medianDays) },
          { label: '9e décile', color: '#ce0500', values: figures.months.map((m) => m.p90Days) },
        ])
      : null;
    return render(request, reply, 'dashboard', {
      title: 'Tableau de bord',
      units,
      unit,
      figures,
      decisions,
      delays,
      categories: CATEGORY_KEYS.map((key) => ({ key, name: CATEGORY_NAMES[key] })),
      alertTypes: ALERT_TYPES.map((type) => ({ type, name: ALERT_TYPE_NAMES[type], count: figures.openAlerts[type] })),
      fmt: { monthLabel, shortMonthLabel, days, number, change },
    });
  });

  function alertFilter(
    staff: SessionCookie,
    units: UnitChoice[],
    query: Record<string, unknown>,
  ): { filter: AlertFilter; groupId: string | undefined } {
    const asked = parseUnitParam(query, 'groupe');
    let groupId: string | undefined;
    if (asked !== undefined && asked !== 'national') {
      if (asked.includes('-')) throw badRequest('Le groupe doit être un identifiant comme 75 ou 2A.');
      if (!maySeeUnit(staff.role, asked)) throw new PageError(403, 'Vous n’avez pas accès à cette unité.');
      groupId = units.find((u) => u.id.toUpperCase() === asked.toUpperCase())?.id ?? asked;
    } else if (staff.role.kind !== 'admin') {
      // A unit user always looks at one of their groups: the alert filter takes one group at a time.
      groupId = units[0]?.id;
      if (!groupId) throw new PageError(403, 'Aucune des unités de votre compte n’existe dans les données.');
    }
    return { filter: { groupId, alertType: parseAlertType(query), status: parseAlertStatus(query) }, groupId };
  }

  app.get('/alertes', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const query = request.query as Record<string, unknown>;
    const units = await service.units(staff.role);
    const { filter, groupId } = alertFilter(staff, units, query);
    const page = parsePage(query);
    const result = await service.listAlerts(filter, page, ALERT_PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(result.total / ALERT_PAGE_SIZE));
    const params = new URLSearchParams();
    if (groupId) params.set('groupe', groupId);
    if (filter.alertType) params.set('type', filter.alertType);
    params.set('etat', filter.status === 'open' ? 'ouvertes' : filter.status === 'resolved' ? 'resolues' : 'toutes');
    return render(request, reply, 'alerts', {
      title: 'Dossiers en souffrance',
      groups: [...new Map(units.map((u) => [u.id, u])).values()],
      groupId,
      filter,
      page,
      pages,
      total: result.total,
      items: result.items,
      query: params.toString(),
      alertTypes: ALERT_TYPES.map((type) => ({ type, name: ALERT_TYPE_NAMES[type] })),
      fmt: {
        parisDateTime,
        number,
        mailState: (s: string) => MAIL_STATES[s] ?? s,
        dossierState: (s: string) => DOSSIER_STATES[s] ?? s,
      },
    });
  });

  app.get('/alertes/telecharger', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const units = await service.units(staff.role);
    const { filter } = alertFilter(staff, units, request.query as Record<string, unknown>);
    return reply
      .type(XLSX)
      .header('content-disposition', 'attachment; filename="WIF_dossiers-en-souffrance.xlsx"')
      .send(service.alertWorkbook(filter));
  });

  app.get('/rapports', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const units = await service.units(staff.role);
    const unit = chooseUnit(staff, units, parseUnitParam(request.query as Record<string, unknown>));
    const months = await service.reportMonths(unit ? { id: unit.id, type: unit.type } : null);
    return render(request, reply, 'reports', {
      title: 'Rapports mensuels',
      units,
      unit,
      months,
      fmt: { monthLabel, number },
    });
  });

  app.get('/rapports/:annee/:mois/:unite/telecharger', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const params = request.params as { annee: string; mois: string; unite: string };
    const month = parseReportMonth(params.annee, params.mois);
    let file;
    if (params.unite === 'national') {
      requireAdmin(staff);
      file = await service.nationalWorkbook(month);
    } else {
      const slug = parseUnitParam({ unite: params.unite });
      const group = parseGroupSlug(slug as string);
      if (!maySeeUnit(staff.role, group.id)) throw new PageError(403, 'Vous n’avez pas accès à cette unité.');
      file = await service.unitWorkbook(month, group);
    }
    return reply
      .type(XLSX)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('content-length', file.content.length)
      .send(file.content);
  });

  app.get('/verification', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    const numero = parseDossierNumber(request.query as Record<string, unknown>);
    let result = null;
    let notFound = false;
    if (numero !== undefined) {
      const explanation = await service.explainCheck(numero);
      // A dossier of another unit is answered as unknown: its existence is not this user's business.
      if (!explanation || !explanation.group || !maySeeUnit(staff.role, explanation.group.id)) notFound = true;
      else result = explanation;
    }
    return render(
      request,
      reply,
      'check',
      {
        title: 'Vérification d’une APT',
        numero,
        result,
        notFound,
        fmt: { dossierState: (s: string) => DOSSIER_STATES[s] ?? s, reason: checkReason },
      },
      notFound ? 404 : 200,
    );
  });

  app.get('/taches', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    requireAdmin(staff);
    const started = (request.query as Record<string, unknown>).demarre;
    return render(request, reply, 'jobs', {
      title: 'Tâches',
      runs: await service.recentRuns(),
      jobs: service.jobNames(),
      started: typeof started === 'string' ? started.slice(0, 64) : null,
      fmt: { parisDateTime, number, status: (s: string) => JOB_STATUSES[s] ?? s },
    });
  });

  app.post('/taches/demarrer', async (request, reply) => {
    const staff = requireStaff(request, reply);
    if (!staff) return reply;
    requireAdmin(staff);
    checkCsrf(request);
    const { job, full } = parseJobForm((request.body ?? {}) as Record<string, unknown>, service.jobNames());
    const run = await service.startJob(job, full);
    return reply.redirect(`/taches?demarre=${encodeURIComponent(run.job)}`, 303);
  });
}

/** Why the public check says nothing about a dossier, in words for staff. */
function checkReason(reason: string): string {
  if (reason.startsWith('state ')) return 'le dossier n’est pas accepté';
  const known: Record<string, string> = {
    'APT dates missing or malformed': 'les dates de début ou de fin d’APT sont manquantes ou mal saisies',
    'APT ends before it starts': 'la date de fin d’APT précède la date de début',
    'APT expired': 'l’APT a expiré',
    'missing "Nom"': 'le nom du salarié manque dans le dossier',
    'missing or malformed "Date de naissance"': 'la date de naissance manque ou est mal saisie',
    'missing etablissement.siret': 'le SIRET de l’établissement manque',
    'unreadable dossier': 'le dossier est illisible dans la base de l’agrégateur',
  };
  return known[reason] ?? reason;
}
