import { Module } from '@nestjs/common';
import { AlertDigestJob } from './alert-digest.job';
import { AlertDigestService } from './alert-digest.service';

@Module({ providers: [AlertDigestService, AlertDigestJob] })
export class AlertDigestModule {}
