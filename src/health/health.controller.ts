import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('liveness')
  @ApiOkResponse({ description: 'The process answers' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readiness')
  @ApiOkResponse({ description: 'Every backing store answers' })
  @ApiServiceUnavailableResponse({ description: 'A backing store does not answer' })
  async readiness(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const checks = await this.health.check();
    if (Object.values(checks).some((v) => v !== 'ok')) {
      throw new ServiceUnavailableException({ message: 'Not ready', checks });
    }
    return { status: 'ok', checks };
  }
}
