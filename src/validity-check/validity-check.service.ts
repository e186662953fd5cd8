import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { parisDay } from '../common/paris-time';
import { DossierSourceRepository } from '../dossier-source/dossier-source.repository';
import { JobContext } from '../jobs/job-handler';
import { OnJob } from '../jobs/job.decorator';
import { ValidityCheckResponseDto, toValidityCheckResponse } from './validity-check.dto';
import { CHAMPS_READ, CheckDecision, decideValidityCheck, isExpired } from './validity-check.rules';
import { ValidityCheck } from './validity-check';
import { DossierGroup } from '../dossier-source/dossier';
import { champValue, LABELS } from '../dossier-source/dossier';
import { ValidityCheckRepository } from './validity-check.repository';
import { PublicLimits } from '../public-limits/public-limits.service';

// Small pages keep few dossiers alive across each write, so memory stays flat (measured: 250 rows, ~145 MB peak
// RSS for 100,000 dossiers, against ~260 MB with 1,000) at no cost in time.
const BATCH_SIZE = 250;

export interface CheckExplanation {
  group: DossierGroup | null;
  state: string;
  /** What the rules decide today (`valid` carries the check the public would get). */
  decision: CheckDecision;
  /** The check stored now, if any (the hourly job brings it in line with the decision). */
  stored: ValidityCheck | null;
}

@Injectable()
export class ValidityCheckService {
  constructor(
    private readonly source: DossierSourceRepository,
    private readonly checks: ValidityCheckRepository,
    private readonly clock: Clock,
    private readonly limits: PublicLimits,
  ) {}

  /**
   * The public answer: valid only while the APT's last day in Paris has not passed, even before the cleaner runs.
   * Always read from storage (no answer cache), so an answer never outlives the job that changed it, whichever
   * process ran the job. Every "invalid" counts against the dossier number's budget of wrong birth dates.
   */
  async check(dossierId: number, dateDeNaissance: string): Promise<ValidityCheckResponseDto> {
    this.limits.assertDossierOpen(dossierId);
    const check = await this.checks.findByDossierAndBirthDate(dossierId, dateDeNaissance);
    if (!check || isExpired(check.finApt, parisDay(this.clock.now()))) {
      this.limits.recordFailure(dossierId);
      return { data: [], status: 'invalid' };
    }
    return { data: [toValidityCheckResponse(check)], status: 'valid' };
  }

  /**
   * What staff see about one dossier: its unit and state, what the public check answers for it now, and when it
   * answers nothing, why. Null when no configured procedure has this dossier number.
   */
  async explain(dossierId: number): Promise<CheckExplanation | null> {
    const today = parisDay(this.clock.now());
    for await (const batch of this.source.stream({ changedSince: null, dossierId }, 10, {
      champs: CHAMPS_READ,
      messages: false,
    })) {
      const dossier = batch.dossiers[0];
      if (!dossier) {
        if (batch.broken.length) {
          return {
            group: null,
            state: 'unknown',
            decision: { kind: 'broken', reason: 'unreadable dossier' },
            stored: null,
          };
        }
        continue;
      }
      const decision = decideValidityCheck(dossier, today);
      const birthDate = champValue(dossier.champs, LABELS.dateDeNaissance);
      const stored = birthDate ? await this.checks.findByDossierAndBirthDate(dossier.dossierId, birthDate) : null;
      return { group: dossier.group, state: dossier.state, decision, stored };
    }
    return null;
  }

  /**
   * Brings the checks in line with the dossiers changed in the window (all of them when `since` is null): a dossier
   * that qualifies gets its check inserted or updated, one that no longer does loses it (decision
   * validity-checks-follow-the-dossier).
   */
  @OnJob({ name: 'validity-check', incremental: true, schedule: 'validityCheck' })
  async sync(ctx: JobContext): Promise<void> {
    const filter = { changedSince: ctx.since };
    ctx.setTotal(await this.source.count(filter));
    const today = parisDay(ctx.now);
    const full = ctx.since === null;
    for await (const batch of this.source.stream(filter, BATCH_SIZE, {
      champs: CHAMPS_READ,
      champsOnlyIfAptValidOn: today,
      messages: false,
    })) {
      const valid: ValidityCheck[] = [];
      const withdrawn: string[] = [];
      for (const { dsKey, reason } of batch.broken) {
        ctx.read();
        ctx.skip(dsKey, reason);
      }
      for (const dossier of batch.dossiers) {
        ctx.read();
        const decision = decideValidityCheck(dossier, today);
        if (decision.kind === 'valid') {
          valid.push(decision.check);
          continue;
        }
        // A check we can no longer vouch for goes, whether the dossier stopped qualifying or became unreadable.
        withdrawn.push(dossier.dsKey);
        if (decision.kind === 'broken') ctx.skip(dossier.dsKey, decision.reason);
      }
      // A check the database refuses all the same is skipped alone, and withdrawn like a broken one.
      let rejected = 0;
      await this.checks.upsertMany(valid, ctx.now, (dsKey, reason) => {
        rejected += 1;
        withdrawn.push(dsKey);
        ctx.skip(dsKey, reason);
      });
      // A full run removes every check it did not refresh at the end, these included.
      const removed = full ? 0 : await this.checks.deleteByDsKeys(withdrawn);
      ctx.written(valid.length - rejected + removed);
      ctx.advance(batch.dossiers.length + batch.broken.length);
      await ctx.betweenBatches();
    }
    if (full) {
      const gone = await this.checks.deleteNotSyncedSince(ctx.now);
      if (gone) ctx.logger.log(`removed ${gone} check(s) this full run did not refresh`);
      ctx.written(gone);
    }
  }

  /** Removes the expired autorisations (introductions never expire). */
  @OnJob({ name: 'validity-check-cleaner', schedule: 'validityCheckCleaner' })
  async clean(ctx: JobContext): Promise<void> {
    const removed = await this.checks.deleteExpired(parisDay(ctx.now));
    ctx.written(removed);
    ctx.setTotal(removed);
    ctx.advance(removed);
  }
}
