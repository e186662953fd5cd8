import { Controller, Delete, Get, HttpCode, Post, Query, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { JobRunDto, toJobRunDto } from '../jobs/job-run.dto';
import { JobRunner } from '../jobs/job-runner.service';
import {
  AlertFilterQueryDto,
  AlertListQueryDto,
  AlertPageDto,
  AlertsDeletedDto,
  toAlertDto,
  toAlertFilter,
} from './alert.dto';
import { AlertService } from './alert.service';
import { ALERT_WORKBOOK_FILENAME, XLSX_CONTENT_TYPE } from './alert.workbook';

@ApiTags('admin: alerts')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('alerts')
export class AlertAdminController {
  constructor(
    private readonly service: AlertService,
    private readonly runner: JobRunner,
  ) {}

  @Get()
  @ApiOkResponse({ type: AlertPageDto })
  @ApiBadRequestResponse({ description: 'Unknown filter or bad value' })
  async list(@Query() query: AlertListQueryDto): Promise<AlertPageDto> {
    const { items, total } = await this.service.list(toAlertFilter(query), query.page, query.pageSize);
    return { items: items.map(toAlertDto), total, page: query.page, pageSize: query.pageSize };
  }

  @Get('download')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: ALERT_WORKBOOK_FILENAME })
  @ApiBadRequestResponse({ description: 'Unknown filter or bad value' })
  download(@Query() query: AlertFilterQueryDto): StreamableFile {
    return new StreamableFile(this.service.workbook(toAlertFilter(query)), {
      type: XLSX_CONTENT_TYPE,
      disposition: `attachment; filename="${ALERT_WORKBOOK_FILENAME}"`,
    });
  }

  @Post('sync-all')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobRunDto, description: 'Started; follow it at GET jobs/{id}' })
  @ApiConflictResponse({ description: 'Already running' })
  async syncAll(): Promise<JobRunDto> {
    const { run } = await this.runner.start('alert', { trigger: 'api', full: true });
    return toJobRunDto(run);
  }

  @Delete()
  @ApiOkResponse({ type: AlertsDeletedDto, description: 'The record of the mails already sent is kept' })
  async deleteAll(): Promise<AlertsDeletedDto> {
    const deleted = await this.service.deleteAll();
    return { message: `${deleted} alerte${deleted > 1 ? 's' : ''} supprimée${deleted > 1 ? 's' : ''}`, deleted };
  }
}
