import {
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseBoolPipe,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { JobRunDto, toJobRunDto } from './job-run.dto';
import { JobRunRepository } from './job-run.repository';
import { JobRunner } from './job-runner.service';

@ApiTags('admin: jobs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly runs: JobRunRepository,
    private readonly runner: JobRunner,
  ) {}

  @Get()
  @ApiQuery({ name: 'job', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ type: [JobRunDto] })
  async list(
    @Query('job') job: string | undefined,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
  ): Promise<JobRunDto[]> {
    const runs = await this.runs.list({ job, limit: Math.min(Math.max(limit, 1), 500) });
    return runs.map(toJobRunDto);
  }

  @Get(':id')
  @ApiOkResponse({ type: JobRunDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<JobRunDto> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundException(`No job run ${id}`);
    return toJobRunDto(run);
  }

  /** Starts any job by name; `?all=true` ignores its watermark. */
  @Post(':name/start')
  @HttpCode(202)
  @ApiQuery({ name: 'all', required: false, type: Boolean })
  async start(
    @Param('name') name: string,
    @Query('all', new DefaultValuePipe(false), ParseBoolPipe) all: boolean,
  ): Promise<JobRunDto> {
    const { run } = await this.runner.start(name, { trigger: 'api', full: all });
    return toJobRunDto(run);
  }
}
