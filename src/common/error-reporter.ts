
/** Where unexpected errors are sent besides the log (Sentry with SENTRY_DSN); off by default. */
export interface ErrorReporter {
  report(error: unknown, tags?: Record<string, string>): void;
  /** Waits at most `ms` for the reports still in flight (before the process exits). */
  flush(ms: number): Promise<void>;
}

let active: ErrorReporter | null = null;

/** The reporter of this process, once `startErrorReporting` has found a DSN. */
export function errorReporter(): ErrorReporter | null {
  return active;
}

/**
 * Starts Sentry when SENTRY_DSN is set; the SDK is loaded only then. Nothing personal leaves: no request (its URL
 * holds the public check's dossier number and birth date), no breadcrumbs, no tracing, no default PII.
 */
export function startErrorReporting(
  sentry: { dsn: string; environment: string } | null,
  release: string,
): ErrorReporter | null {
  if (!sentry || active) return active;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sentry = require('@sentry/nestjs') as typeof import('@sentry/nestjs');
  Sentry.init({
    dsn: sentry.dsn,
    environment: sentry.environment,
    release,
    sendDefaultPii: false,
    defaultIntegrations: false,
    // `strict`: an unhandled rejection is reported, then still ends the process, as it does without Sentry.
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.onUnhandledRejectionIntegration({ mode: 'strict' })],
    skipOpenTelemetrySetup: true,
    beforeSend: (event) => {
      delete event.request;
      delete event.breadcrumbs;
      delete event.user;
      return event;
    },
  });
  active = {
    report: (error, tags) => void Sentry.captureException(error, tags ? { tags } : undefined),
    flush: async (ms) => void (await Sentry.flush(ms)),
  };
  return active;
}
