import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { JOB_NAMES, JobName } from './job-run';

export class ListJobRunsQueryDto {
  @ApiPropertyOptional({ enum: JOB_NAMES })
  @IsOptional()
  @IsIn(JOB_NAMES, { message: `job must be one of ${JOB_NAMES.join(', ')}` })
  job?: JobName;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(500)
  limit = 50;
}

export class StartJobQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Ignore the watermark: every dossier' })
  @IsOptional()
  // Only the words true and false: anything else is a mistake worth a 400, not a silent false.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'all must be true or false' })
  all = false;
}
