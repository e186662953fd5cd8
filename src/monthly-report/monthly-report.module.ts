import { Module } from '@nestjs/common';
import { MonthlyReportJob } from './monthly-report.job';
import { MonthlyReportMailer } from './monthly-report.mailer';
import { MonthlyReportService } from './monthly-report.service';

@Module({
  providers: [MonthlyReportService, MonthlyReportMailer, MonthlyReportJob],
  exports: [MonthlyReportService],
})
export class MonthlyReportModule {}
