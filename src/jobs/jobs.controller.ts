import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  PipeTransform,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { JOB_NAMES, JobName } from './job-run';
import { JobRunDto, toJobRunDto } from './job-run.dto';
import { JobRegistry } from './job-registry';
import { ListJobRunsQueryDto, StartJobQueryDto } from './jobs.dto';
import { JobRunRepository } from './job-run.repository';
import { JobRunner } from './job-runner.service';

/** A job name from the URL, checked against the jobs declared with `@OnJob` (an unknown one answers 404). */
@Injectable()
export class JobNamePipe implements PipeTransform<string, JobName> {
  constructor(private readonly registry: JobRegistry) {}

  transform(value: string): JobName {
    return this.registry.get(value).name;
  }
}

const RUN_ID = new ParseUUIDPipe({
  exceptionFactory: () => new BadRequestException("L'identifiant d'exécution doit être un UUID."),
});

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
  @ApiOkResponse({ type: [JobRunDto] })
  async list(@Query() query: ListJobRunsQueryDto): Promise<JobRunDto[]> {
    const runs = await this.runs.list({ job: query.job, limit: query.limit });
    return runs.map(toJobRunDto);
  }

  @Get(':id')
  @ApiOkResponse({ type: JobRunDto })
  async get(@Param('id', RUN_ID) id: string): Promise<JobRunDto> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundException(`Aucune exécution de tâche ${id}.`);
    return toJobRunDto(run);
  }

  /** Starts any job by name; `?all=true` ignores its watermark. */
  @Post(':name/start')
  @HttpCode(202)
  @ApiParam({ name: 'name', enum: JOB_NAMES })
  @ApiNotFoundResponse({ description: 'No such job' })
  async start(@Param('name', JobNamePipe) name: JobName, @Query() query: StartJobQueryDto): Promise<JobRunDto> {
    const { run } = await this.runner.start(name, { trigger: 'api', full: query.all });
    return toJobRunDto(run);
  }
}
