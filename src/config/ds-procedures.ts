import { readFileSync } from 'node:fs';

export type DsGroupType = 'autorisation' | 'introduction';

/** One démarche imported from the DS GraphQL API, and the unit (group) its dossiers belong to. */
export interface DsProcedure {
  number: number;
  group: { id: string; label: string; type: DsGroupType };
}

export interface DsProceduresResult {
  procedures: DsProcedure[];
  problems: string[];
}

const MAX_INT = 2_147_483_647;
// Group ids end up in alert and report columns of 32 characters and in MONTHLY_REPORT_RECIPIENTS_<id> names.
const GROUP_ID = /^[0-9A-Za-z]{1,32}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the démarches list: `[{"number":14131,"group":{"id":"75","label":"75 - Paris"},"type":"autorisation"}]`.
 * `type` may also sit inside `group`; a missing type means autorisation, as in the aggregator's data.
 */
export function parseDsProcedures(text: string, variable: string): DsProceduresResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { procedures: [], problems: [`${variable}: not valid JSON`] };
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return { procedures: [], problems: [`${variable}: expected a non-empty JSON array of démarches`] };
  }
  const problems: string[] = [];
  const procedures: DsProcedure[] = [];
  const labels = new Map<string, string>();
  parsed.forEach((entry: unknown, index) => {
    const where = `${variable}: entry ${index + 1}`;
    if (!isObject(entry)) return void problems.push(`${where}: expected an object`);
    const { number, group } = entry;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > MAX_INT) {
      return void problems.push(`${where}: "number" must be a positive whole number`);
    }
    if (!isObject(group)) return void problems.push(`${where}: "group" must be an object {id, label}`);
    const id = typeof group.id === 'number' ? String(group.id) : group.id;
    if (typeof id !== 'string' || !GROUP_ID.test(id)) {
      return void problems.push(`${where}: "group.id" must be 1 to 32 letters or digits, e.g. "75"`);
    }
    if (typeof group.label !== 'string' || group.label.trim() === '' || group.label.length > 255) {
      return void problems.push(`${where}: "group.label" must be a non-empty text, e.g. "75 - Paris"`);
    }
    const type = entry.type ?? group.type ?? 'autorisation';
    if (type !== 'autorisation' && type !== 'introduction') {
      return void problems.push(`${where}: "type" must be "autorisation" or "introduction"`);
    }
    if (procedures.some((p) => p.number === number)) {
      return void problems.push(`${where}: démarche ${number} is listed twice`);
    }
    const unit = `${id}/${type}`;
    const known = labels.get(unit);
    if (known !== undefined && known !== group.label) {
      return void problems.push(`${where}: group ${id} (${type}) already has the label "${known}"`);
    }
    labels.set(unit, group.label);
    procedures.push({ number, group: { id, label: group.label, type } });
  });
  return { procedures, problems };
}

/** The démarches from DS_PROCEDURES, or from the file DS_PROCEDURES_FILE names (exactly one of them). */
export function readDsProcedures(inline: string | undefined, file: string | undefined): DsProceduresResult {
  if (inline !== undefined && file !== undefined) {
    return {
      procedures: [],
      problems: ['DS_PROCEDURES_FILE: set either DS_PROCEDURES or DS_PROCEDURES_FILE, not both'],
    };
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { procedures: [], problems: [`DS_PROCEDURES_FILE: cannot read ${file} (${code})`] };
    }
    return parseDsProcedures(text, 'DS_PROCEDURES_FILE');
  }
  if (inline !== undefined) return parseDsProcedures(inline, 'DS_PROCEDURES');
  return { procedures: [], problems: ['DS_PROCEDURES: required when SOURCE=ds-api (or DS_PROCEDURES_FILE)'] };
}
