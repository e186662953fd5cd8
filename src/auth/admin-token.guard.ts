import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Admin routes answer only to `Authorization: Bearer {ADMIN_TOKEN}` (decision admin-api-needs-a-bearer-token). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    this.expected = config.adminToken ? Buffer.from(config.adminToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new ForbiddenException("L'API d'administration est désactivée (ADMIN_TOKEN n'est pas défini).");
    }
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers.authorization;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    // Constant-time comparison, so the token cannot be guessed byte by byte from response times.
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthorizedException(
        "Un jeton d'administration valide est requis (en-tête Authorization: Bearer <ADMIN_TOKEN>).",
      );
    }
    return true;
  }
}
