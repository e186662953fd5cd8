import { Module } from '@nestjs/common';
import { AlertService } from './alert.service';

/** Dossiers en souffrance: the `alert` and `alert-email` jobs and the service behind the admin routes (AdminApiModule). */
@Module({
  providers: [AlertService],
  exports: [AlertService],
})
export class AlertModule {}
