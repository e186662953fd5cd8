import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { YearMonth } from '../common/paris-time';
import { GroupKey } from './monthly-report.repository';
import { parseGroupSlug } from './monthly-report.rules';

// Validated as the strings they arrive as: a number conversion first would let `009`, `9.0` or `0x9` through.
const YEAR = /^(201[89]|20[2-9][0-9]|2100)$/;
const MONTH = /^(0?[1-9]|1[0-2])$/;
const GROUP = /^[0-9A-Za-z]{1,4}(-introduction)?$/;

export class ReportMonthParams {
  @ApiProperty({ example: '2020', description: '2018 to 2100' })
  @Matches(YEAR, { message: "L'année doit être comprise entre 2018 et 2100." })
  year!: string;

  @ApiProperty({ example: '9', description: '1 to 12, `9` and `09` alike' })
  @Matches(MONTH, { message: 'Le mois doit être compris entre 1 et 12 (9 ou 09).' })
  month!: string;
}

export class UnitReportParams extends ReportMonthParams {
  @ApiProperty({ example: '75-introduction', description: 'Unit id, with `-introduction` for an introduction group' })
  @Matches(GROUP, {
    message:
      "L'unité doit être un identifiant de 1 à 4 lettres ou chiffres, suivi de -introduction pour les introductions.",
  })
  group!: string;
}

export function toYearMonth({ year, month }: ReportMonthParams): YearMonth {
  return { year: Number(year), month: Number(month) };
}

export function toGroupKey({ group }: UnitReportParams): GroupKey {
  return parseGroupSlug(group);
}
