import { Module } from '@nestjs/common';
import { MonthlyReportMailer } from './monthly-report.mailer';
import { MonthlyReportService } from './monthly-report.service';

@Module({
  providers: [MonthlyReportService, MonthlyReportMailer],
  exports: [MonthlyReportService],
})
export class MonthlyReportModule {}
