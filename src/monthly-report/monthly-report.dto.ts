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

class DecidedDossierDto {
  @ApiProperty({ nullable: true, type: Number, example: 4518237 }) number!: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2020-09-14', description: 'Paris day of the decision' })
  decidedOn!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'MALI' }) nationality!: string | null;
  @ApiProperty() url!: string;
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
  @ApiProperty({
    type: [DecidedDossierDto],
    required: false,
    description: 'Refused and sans suite only, in the order of `dossiers` (reports built since this field exists)',
  })
  decided?: DecidedDossierDto[];
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

class UnitRowDto {
  @ApiProperty({ type: GroupDto }) group!: GroupDto;
  @ApiProperty({ example: '75 - Paris (introduction)' }) label!: string;
  @ApiProperty({ type: CountsDto }) counts!: CountsDto;
  @ApiProperty({ description: 'All accepted dossiers, known duration or not' }) accepted!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ nullable: true, type: Number }) previousTotal!: number | null;
}

class TrendPointDto {
  @ApiProperty({ example: 2020 }) year!: number;
  @ApiProperty({ example: 9 }) month!: number;
  @ApiProperty({ example: 'sept. 20' }) label!: string;
  @ApiProperty({ type: CountsDto, nullable: true, description: 'Null when the month was never built' })
  counts!: CountsDto | null;
}

/** The national figures of a month, as the national mail and workbook show them (monthly-report.view.ts). */
export class NationalSummaryDto {
  @ApiProperty({ example: 2020 }) year!: number;
  @ApiProperty({ example: 9 }) month!: number;
  @ApiProperty({ example: 'septembre 2020' }) period!: string;
  @ApiProperty({ example: 'août' }) previousMonthName!: string;
  @ApiProperty({ type: [UnitRowDto] }) units!: UnitRowDto[];
  @ApiProperty({ type: CountsDto }) counts!: CountsDto;
  @ApiProperty() accepted!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ nullable: true, type: Number }) previousTotal!: number | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: {} },
    example: [['CHINE', 13]],
    description: 'Top 10 over every accepted dossier, known duration or not: [nationality, dossiers]',
  })
  nationalities!: Array<[string, number]>;
  @ApiProperty({ type: [TrendPointDto], description: 'The last 12 months, oldest first' }) trend!: TrendPointDto[];
}
