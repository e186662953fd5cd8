import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Admin routes answer only to `Authorization: Bearer {ADMIN_TOKEN}` (S3). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    this.expected = config.adminToken ? Buffer.from(config.adminToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException('The admin API is disabled: ADMIN_TOKEN is not set');
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers.authorization;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    // Constant-time comparison, so the token cannot be guessed byte by byte from response times.
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthorizedException('A valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>)');
    }
    return true;
  }
}
