import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class ListJobRunsQueryDto {
  @ApiPropertyOptional({ example: 'validity-check' })
  @IsOptional()
  @IsString()
  job?: string;

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
