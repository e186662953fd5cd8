import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PublicRateLimitGuard } from '../public-limits/public-rate-limit.guard';
import { ValidityCheckResponseDto } from './validity-check.dto';
import { BirthDatePipe, DossierIdPipe } from './validity-check.params';
import { ValidityCheckService } from './validity-check.service';

@ApiTags('public')
@Controller('v1/apt_validity_check')
@UseGuards(PublicRateLimitGuard)
export class ValidityCheckController {
  constructor(private readonly service: ValidityCheckService) {}

  @Get(':ds_id/:date')
  @ApiOperation({ summary: "Is this APT valid? (dossier number and the holder's birth date)" })
  @ApiOkResponse({ type: ValidityCheckResponseDto })
  @ApiBadRequestResponse({ description: 'Malformed dossier number or date' })
  @ApiTooManyRequestsResponse({
    description:
      'PUBLIC_RATE_LIMIT per minute and client, or PUBLIC_CHECK_MAX_FAILED_PER_DOSSIER wrong birth dates a day for this dossier number',
  })
  check(
    @Param('ds_id', DossierIdPipe) dossierId: number,
    @Param('date', BirthDatePipe) date: string,
  ): Promise<ValidityCheckResponseDto> {
    return this.service.check(dossierId, date);
  }
}
