import { ApiProperty } from '@nestjs/swagger';
import { ValidityCheck } from './validity-check';

class ChampLibelleDto {
  @ApiProperty({ example: 'Nationalité' }) libelle!: string;
}

export class ValidityCheckChampDto {
  @ApiProperty({ nullable: true, type: String, example: 'VIETNAM' }) value!: string | null;
  @ApiProperty({ type: ChampLibelleDto }) type_de_champ!: ChampLibelleDto;
}

/** The original response item, field for field, so the existing front end keeps working. */
export class ValidityCheckItemDto {
  @ApiProperty({ type: [ValidityCheckChampDto] }) champs!: ValidityCheckChampDto[];
  @ApiProperty({ enum: ['autorisation', 'introduction'] }) type!: string;
  @ApiProperty({ example: '2020-09-21', description: 'Empty for introductions' }) date_de_debut_apt!: string;
  @ApiProperty({ example: '2021-06-30', description: 'Empty for introductions' }) date_de_fin_apt!: string;
  @ApiProperty({ example: '1998-03-07' }) date_de_naissance!: string;
  @ApiProperty({ example: 4518237 }) ds_id!: number;
  @ApiProperty({ example: false }) has_expired!: boolean;
  @ApiProperty({ example: '*g****' }) nom!: string;
  @ApiProperty({ example: '*h* ***' }) prenom!: string;
  @ApiProperty({ example: '81234567800021' }) siret!: string;
}

export class ValidityCheckResponseDto {
  @ApiProperty({ type: [ValidityCheckItemDto] }) data!: ValidityCheckItemDto[];
  @ApiProperty({ enum: ['valid', 'invalid'] }) status!: 'valid' | 'invalid';
}

export function toValidityCheckResponse(check: ValidityCheck): ValidityCheckItemDto {
  return {
    champs: check.champs,
    type: check.type,
    date_de_debut_apt: check.dateDeDebutApt,
    date_de_fin_apt: check.dateDeFinApt,
    date_de_naissance: check.dateDeNaissance,
    ds_id: check.dossierId,
    has_expired: false,
    nom: check.nom,
    prenom: check.prenom,
    siret: check.siret,
  };
}
