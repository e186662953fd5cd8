import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthService,
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('liveness')
  @ApiOkResponse({ description: 'The process answers' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readiness')
  @ApiOkResponse({ description: 'Every backing store answers, and the process is not shutting down' })
  @ApiServiceUnavailableResponse({ description: 'A backing store does not answer in time, or shutdown has begun' })
  async readiness(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    if (this.health.shuttingDown) throw new ServiceUnavailableException('Not ready');
    const checks: Record<string, string> = {};
    try {
      await this.terminus.check(this.health.names().map((name) => () => this.indicator(name, checks)));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      this.logger.warn({ msg: 'not ready', checks });
      throw new ServiceUnavailableException('Not ready');
    }
    return { status: 'ok', checks };
  }

  private async indicator(name: string, checks: Record<string, string>): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(name);
    try {
      await this.health.probe(name);
      checks[name] = 'ok';
      return session.up();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      checks[name] = `error: ${message}`;
      return session.down({ message });
    }
  }
}
