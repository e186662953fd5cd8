import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { clientKey } from './client-key';
import { SharedCounters } from './shared-counters.service';

const CLIENT_WINDOW_MS = 60_000;
const DOSSIER_WINDOW_MS = 24 * 3600_000;

/** A 429 whose `Retry-After` is the time left in the window that refused it. */
export class PublicLimitExceeded extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Trop de demandes : merci de réessayer plus tard.',
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * The public check's two limits, shared by every replica:
 * - per client (an IPv4 address or an IPv6 /64), `PUBLIC_RATE_LIMIT` checks a minute;
 * - per dossier number, `PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER` wrong birth dates a day, whatever the client: a birth
 *   date has about 18,000 plausible values, so spreading guesses over many addresses must not help. Past it the
 *   number answers 429 to everyone, for every date, until the window ends: a uniform answer that tells nothing.
 */
@Injectable()
export class PublicLimits {
  private readonly logger = new Logger('PublicLimits');
  private readonly logged = new Map<number, number>();

  constructor(
    private readonly counters: SharedCounters,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Counts a request of this client; throws past the per-client limit. */
  takeClientRequest(ip: string | undefined): void {
    const limit = this.config.publicRateLimit;
    if (limit === 0) return;
    const { count, resetAt } = this.counters.hit(`client:${clientKey(ip)}`, CLIENT_WINDOW_MS);
    if (count > limit) throw new PublicLimitExceeded(this.secondsUntil(resetAt));
  }

  /** Throws when this dossier number has used its budget of wrong birth dates. */
  assertDossierOpen(dossierId: number): void {
    const budget = this.config.publicCheckMaxFailedPerDossier;
    if (budget === 0) return;
    const { count, resetAt } = this.counters.peek(dossierKey(dossierId), DOSSIER_WINDOW_MS);
    if (count < budget) return;
    this.logOnce(dossierId, resetAt);
    throw new PublicLimitExceeded(this.secondsUntil(resetAt));
  }

  /** One line per dossier number and window in each process, however many requests are refused. */
  private logOnce(dossierId: number, resetAt: number): void {
    if (this.logged.get(dossierId) === resetAt) return;
    if (this.logged.size >= 10_000) this.logged.clear();
    this.logged.set(dossierId, resetAt);
    this.logger.warn(
      `public check refused for dossier ${dossierId} until ${new Date(resetAt).toISOString()}: too many wrong birth dates`,
    );
  }

  /** Counts one answer "invalid" for this dossier number (the dates tried are never kept nor logged). */
  recordFailure(dossierId: number): void {
    const budget = this.config.publicCheckMaxFailedPerDossier;
    if (budget === 0) return;
    this.counters.hit(dossierKey(dossierId), DOSSIER_WINDOW_MS);
  }

  private secondsUntil(resetAt: number): number {
    return Math.max(1, Math.ceil((resetAt - this.clock.now().getTime()) / 1000));
  }
}

const dossierKey = (dossierId: number) => `dossier:${dossierId}`;
