import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { JobRunDto, toJobRunDto } from '../jobs/job-run.dto';
import { JobRunner } from '../jobs/job-runner.service';

@ApiTags('admin: validity checks')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('validity-checks')
export class ValidityCheckAdminController {
  constructor(private readonly runner: JobRunner) {}

  @Post('sync-all')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobRunDto, description: 'Started; follow it at GET jobs/{id}' })
  @ApiConflictResponse({ description: 'Already running' })
  async syncAll(): Promise<JobRunDto> {
    const { run } = await this.runner.start('validity-check', { trigger: 'api', full: true });
    return toJobRunDto(run);
  }

  @Post('clean')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobRunDto })
  @ApiConflictResponse({ description: 'Already running' })
  async clean(): Promise<JobRunDto> {
    const { run } = await this.runner.start('validity-check-cleaner', { trigger: 'api' });
    return toJobRunDto(run);
  }
}
