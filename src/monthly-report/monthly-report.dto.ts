import { ApiProperty } from '@nestjs/swagger';

class GroupDto {
  @ApiProperty({ example: '75' }) id!: string;
  @ApiProperty({ example: '75 - Paris' }) label!: string;
  @ApiProperty({ enum: ['autorisation', 'introduction'] }) type!: string;
}

class ProcessingTimeDto {
  @ApiProperty({ nullable: true, type: Number, example: 21, description: 'Days from dépôt to décision' })
  median!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 38.5 }) p90!: number | null;
}

class CategoryStatsDto {
  @ApiProperty({ example: 46 }) count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { CHINE: 9, VIETNAM: 6, 'non renseigné': 1 },
    description: 'Nationality → dossiers, most frequent first',
  })
  countries!: Record<string, number>;
  @ApiProperty({ type: [String], description: 'DS instructor links, by decision date' }) dossiers!: string[];
  @ApiProperty({ type: ProcessingTimeDto }) processingDays!: ProcessingTimeDto;
}

class CategoriesDto {
  @ApiProperty({ type: CategoryStatsDto, description: 'Accepted, APT of 91 days or more' })
  more3Months!: CategoryStatsDto;
  @ApiProperty({ type: CategoryStatsDto, description: 'Accepted, APT under 91 days' }) less3Months!: CategoryStatsDto;
  @ApiProperty({ type: CategoryStatsDto, description: 'Accepted, APT dates missing or malformed' })
  unknownDuration!: CategoryStatsDto;
  @ApiProperty({ type: CategoryStatsDto }) refused!: CategoryStatsDto;
  @ApiProperty({ type: CategoryStatsDto }) withoutContinuation!: CategoryStatsDto;
}

class CountsDto {
  @ApiProperty() more3Months!: number;
  @ApiProperty() less3Months!: number;
  @ApiProperty() unknownDuration!: number;
  @ApiProperty() refused!: number;
  @ApiProperty() withoutContinuation!: number;
}

/** A stored report as is: the stored shape is the API's. */
export class MonthlyReportDto {
  @ApiProperty({ example: 2020 }) year!: number;
  @ApiProperty({ example: 9, description: '1 to 12' }) month!: number;
  @ApiProperty({ type: GroupDto }) group!: GroupDto;
  @ApiProperty({ type: CategoriesDto }) categories!: CategoriesDto;
  @ApiProperty({ type: CountsDto, nullable: true, description: 'Same group, previous month' })
  previousCounts!: CountsDto | null;
}
