import { BadRequestException, PipeTransform } from '@nestjs/common';
import { GroupKey } from './monthly-report.repository';
import { parseGroupSlug } from './monthly-report.rules';

export class ReportYearPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (!(year >= 2018 && year <= 2100)) {
      throw new BadRequestException("L'année doit être comprise entre 2018 et 2100.");
    }
    return year;
  }
}

/** 1-based, with or without a leading zero (`9` and `09` alike). */
export class ReportMonthPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const month = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!(month >= 1 && month <= 12)) throw new BadRequestException('Le mois doit être compris entre 1 et 12.');
    return month;
  }
}

/** `75` for an autorisation group, `75-introduction` for the introduction group of the same id. */
export class ReportGroupPipe implements PipeTransform<string, GroupKey> {
  transform(value: string): GroupKey {
    if (!/^[0-9A-Za-z]{1,4}(-introduction)?$/.test(value)) {
      throw new BadRequestException(
        "L'unité doit être un identifiant de 1 à 4 lettres ou chiffres, suivi de -introduction pour les introductions.",
      );
    }
    return parseGroupSlug(value);
  }
}
