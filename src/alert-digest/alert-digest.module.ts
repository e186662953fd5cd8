import { Module } from '@nestjs/common';
import { AlertDigestService } from './alert-digest.service';

@Module({ providers: [AlertDigestService] })
export class AlertDigestModule {}
