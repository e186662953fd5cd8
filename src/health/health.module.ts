import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** Readiness; the Kinto store adds its probe to the service (StorageModule imports this module). */
@Module({
  // Failed checks are logged by the controller, as one line with every check's state.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [HealthService],
  exports: [HealthService],
})
export class HealthModule {}
