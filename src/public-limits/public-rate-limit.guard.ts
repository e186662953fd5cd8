import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { PublicLimits } from './public-limits.service';

/** Counts every public request against its client's limit (the address Fastify trusts, see TRUST_PROXY_HOPS). */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(private readonly limits: PublicLimits) {}

  canActivate(context: ExecutionContext): boolean {
    this.limits.takeClientRequest(context.switchToHttp().getRequest<FastifyRequest>().ip);
    return true;
  }
}
