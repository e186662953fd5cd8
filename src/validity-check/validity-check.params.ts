import { BadRequestException, PipeTransform } from '@nestjs/common';
import { isCalendarDay } from '../common/paris-time';

/** 1 to 15 digits: what DS numbers look like, and what fits a JSON number exactly. */
export class DossierIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value)) {
      throw new BadRequestException('Le numéro de dossier doit comporter de 1 à 15 chiffres.');
    }
    return Number(value);
  }
}

export class BirthDatePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isCalendarDay(value)) {
      throw new BadRequestException('La date de naissance doit être une date valide au format AAAA-MM-JJ.');
    }
    return value;
  }
}
