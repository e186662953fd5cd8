import { Injectable } from '@nestjs/common';
import { Job } from '../jobs/job.decorator';
import { JobContext, JobHandler } from '../jobs/job-handler';
import { DsImportService } from './ds-import.service';

/**
 * Fetches the dossiers changed on DS (SOURCE=ds-api). Not incremental in the runner's sense: it keeps its own
 * position per démarche (DS cursors); `--all` drops them and reads every dossier again.
 */
@Job()
@Injectable()
export class DsImportJob implements JobHandler {
  readonly name = 'ds-import';
  readonly incremental = false;

  constructor(private readonly service: DsImportService) {}

  run(context: JobContext): Promise<void> {
    return this.service.run(context);
  }
}
