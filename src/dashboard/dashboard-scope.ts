import { StaffRole } from '../config/staff-access';
import { maySeeUnit } from '../auth/staff-session';
import { DossierGroup } from '../dossier-source/dossier';
import { groupSlug } from '../monthly-report/monthly-report.rules';

/** A unit as the pages name it: `75`, `75-introduction`, with its label. */
export interface UnitChoice {
  slug: string;
  id: string;
  type: DossierGroup['type'];
  label: string;
}

export function toUnitChoice(group: DossierGroup): UnitChoice {
  return { slug: groupSlug(group), id: group.id, type: group.type, label: group.label };
}

/** The units a role may see, in report order. */
export function visibleUnits(role: StaffRole, all: DossierGroup[]): UnitChoice[] {
  return all.filter((g) => maySeeUnit(role, g.id)).map(toUnitChoice);
}
