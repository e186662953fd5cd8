import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { AlertFilter, AlertStatusFilter } from './alert';
import { ALERT_TYPES, AlertType } from './alert-type';
import { AlertWithMail } from './alert.service';

const STATUSES: AlertStatusFilter[] = ['open', 'resolved'];

export class AlertFilterQueryDto {
  @ApiPropertyOptional({ example: '75', description: 'Group (UD) id, both types' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z]{1,8}$/, { message: 'group doit être un identifiant de groupe, par exemple 75 ou 2A' })
  group?: string;

  @ApiPropertyOptional({ enum: ALERT_TYPES })
  @IsOptional()
  @IsIn(ALERT_TYPES, { message: `type doit valoir l'un de : ${ALERT_TYPES.join(', ')}` })
  type?: AlertType;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: 'state doit valoir open ou resolved' })
  state?: AlertStatusFilter;
}

export class AlertListQueryDto extends AlertFilterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page doit être un entier' })
  @Min(1, { message: 'page doit être au moins 1' })
  @Max(1_000_000, { message: 'page ne peut dépasser 1000000' })
  page = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'pageSize doit être un entier' })
  @Min(1, { message: 'pageSize doit être au moins 1' })
  @Max(500, { message: 'pageSize ne peut dépasser 500' })
  pageSize = 50;
}

export function toAlertFilter(query: AlertFilterQueryDto): AlertFilter {
  return { groupId: query.group, alertType: query.type, status: query.state };
}

class AlertGroupDto {
  @ApiProperty({ example: '75' }) id!: string;
  @ApiProperty({ example: '75 - Paris' }) label!: string;
  @ApiProperty({ enum: ['autorisation', 'introduction'] }) type!: string;
}

export class AlertMailDto {
  @ApiProperty({ enum: ['to_send', 'sent', 'blocked', 'failed'] }) state!: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it was sent, blocked or given up' })
  processedAt!: string | null;
  @ApiProperty({ description: 'Failed attempts so far' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

export class AlertDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '14131-4518237' }) dsKey!: string;
  @ApiProperty({ enum: ALERT_TYPES }) alertType!: string;
  @ApiProperty({ example: 'dossier accepté, durée APT supérieure à 12 mois' }) message!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: AlertGroupDto }) group!: AlertGroupDto;
  @ApiProperty({ example: 'closed', description: "The dossier's state at the last evaluation" }) state!: string;
  @ApiProperty({ type: [String] }) instructorsHistory!: string[];
  @ApiProperty({ type: [String] }) instructors!: string[];
  @ApiProperty({ nullable: true, type: String }) applicantEmail!: string | null;
  @ApiProperty({ nullable: true, type: String }) dateDebutApt!: string | null;
  @ApiProperty({ nullable: true, type: String }) processedAt!: string | null;
  @ApiProperty() detectedAt!: string;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: AlertMailDto, description: 'Only the three mailed types have one' })
  mail!: AlertMailDto | null;
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class AlertsDeletedDto {
  @ApiProperty({ example: '12 alertes supprimées' }) message!: string;
  @ApiProperty({ example: 12 }) deleted!: number;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toAlertDto({ alert, mail }: AlertWithMail): AlertDto {
  return {
    id: alert.id,
    dsKey: alert.dsKey,
    alertType: alert.alertType,
    message: alert.message,
    url: alert.url,
    group: alert.group,
    state: alert.state,
    instructorsHistory: alert.instructorsHistory,
    instructors: alert.emailInstructors,
    applicantEmail: alert.emailUsager,
    dateDebutApt: alert.dateDebutApt,
    processedAt: iso(alert.processedAt),
    detectedAt: alert.detectedAt.toISOString(),
    resolvedAt: iso(alert.resolvedAt),
    mail: mail && {
      state: mail.state,
      processedAt: iso(mail.processedAt),
      attempts: mail.attempts,
      nextAttemptAt: iso(mail.nextAttemptAt),
      lastError: mail.lastError,
    },
  };
}
