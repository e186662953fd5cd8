import { Module } from '@nestjs/common';
import { AlertEmailJob, AlertJob } from './alert.jobs';
import { AlertService } from './alert.service';

/** Dossiers en souffrance: the `alert` and `alert-email` jobs and the service behind the admin routes (AdminApiModule). */
@Module({
  providers: [AlertService, AlertJob, AlertEmailJob],
  exports: [AlertService],
})
export class AlertModule {}
