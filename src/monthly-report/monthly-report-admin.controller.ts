import { Controller, Get, HttpCode, Param, Post, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { JobRunDto, toJobRunDto } from '../jobs/job-run.dto';
import { JobRunner } from '../jobs/job-runner.service';
import { MonthlyReportDto, NationalSummaryDto } from './monthly-report.dto';
import { ReportMonthParams, toGroupKey, toYearMonth, UnitReportParams } from './monthly-report.params';
import { MonthlyReportService, WorkbookFile } from './monthly-report.service';
import { XLSX_CONTENT_TYPE } from './monthly-report.workbook';

/** The whole workbook in one buffer, with its length: never a half-written file, never an empty 200. */
function download({ filename, content }: WorkbookFile): StreamableFile {
  return new StreamableFile(content, {
    type: XLSX_CONTENT_TYPE,
    disposition: `attachment; filename="${filename}"`,
    length: content.length,
  });
}

@ApiTags('admin: monthly reports')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@ApiBadRequestResponse({ description: 'Year outside 2018-2100, month outside 1-12 or malformed unit' })
@Controller('monthly-reports')
export class MonthlyReportAdminController {
  constructor(
    private readonly service: MonthlyReportService,
    private readonly runner: JobRunner,
  ) {}

  @Post('sync-all')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobRunDto, description: 'Rebuild of every month started, without mail' })
  @ApiConflictResponse({ description: 'Already running' })
  async syncAll(): Promise<JobRunDto> {
    const { run } = await this.runner.start('monthly-report', { trigger: 'api', full: true });
    return toJobRunDto(run);
  }

  @Get(':year/:month')
  @ApiOkResponse({ type: [MonthlyReportDto] })
  @ApiNotFoundResponse({ description: 'The month was never built' })
  listMonth(@Param() params: ReportMonthParams): Promise<MonthlyReportDto[]> {
    return this.service.listMonth(toYearMonth(params));
  }

  @Get(':year/:month/summary')
  @ApiOkResponse({ type: NationalSummaryDto, description: 'Every unit as one row, totals, the last 12 months' })
  @ApiNotFoundResponse({ description: 'The month was never built' })
  nationalSummary(@Param() params: ReportMonthParams): Promise<NationalSummaryDto> {
    return this.service.nationalSummary(toYearMonth(params));
  }

  @Get(':year/:month/download')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'WIF_{YYYY}-{MM}_national.xlsx' })
  @ApiNotFoundResponse({ description: 'The month was never built' })
  async nationalWorkbook(@Param() params: ReportMonthParams): Promise<StreamableFile> {
    return download(await this.service.nationalWorkbook(toYearMonth(params)));
  }

  @Get(':year/:month/:group/download')
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'WIF_{YYYY}-{MM}_ud{group}.xlsx' })
  @ApiNotFoundResponse({ description: 'No report for this unit and month' })
  async unitWorkbook(@Param() params: UnitReportParams): Promise<StreamableFile> {
    return download(await this.service.unitWorkbook(toYearMonth(params), toGroupKey(params)));
  }
}
