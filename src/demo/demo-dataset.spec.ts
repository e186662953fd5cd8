import { addCalendarDays, addCalendarMonths, daysBetween, isCalendarDay, parisDay } from '../common/paris-time';
import { DossierRecordRow } from '../dossier-source/aggregator-row';
import { DEMO_SEED, generateDossierRecords } from './demo-dataset';
import { PROCEDURE_CONFIGS } from './procedure-configs';

const NOW = new Date('2026-11-15T10:00:00Z');
const TODAY = parisDay(NOW);
const COUNT = 20_000;
const DS_CONTACT = 'contact@demarches-simplifiees.fr';
const EPOCH = new Date(0).getTime();

interface RawChamp {
  value: string | null;
  type_de_champ: { libelle: string };
}

interface RawMessage {
  email: string;
  created_at: string;
}

/** Keys of the rows breaking a rule: one assertion per rule keeps 20,000-row checks fast and failures readable. */
function violations(rows: DossierRecordRow[], rule: (row: DossierRecordRow) => boolean): string[] {
  return rows.filter((row) => !rule(row)).map((row) => row.ds_key);
}

function take(count: number, seed?: number): DossierRecordRow[] {
  return [...generateDossierRecords({ count, seed, now: NOW })];
}

function champ(champs: unknown, libelle: string): RawChamp | undefined {
  return (champs as RawChamp[]).find((c) => c.type_de_champ.libelle === libelle);
}

function isEmpty(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

function isInstructor(email: string): boolean {
  return email.endsWith('@direccte.test') || email.endsWith('@dreets.test');
}

/**
 * Every edge-case family a row belongs to, read from the row alone with the alert rules as fixed
 * (docs/domain.md#alerts).
 */
function families(row: DossierRecordRow): string[] {
  const out: string[] = [];
  const d = row.ds_data;
  const state = row.state;
  const isIntroduction = row.metadata.group.type === 'introduction';
  const debut = champ(d.champs_private, 'Date de début APT');
  const fin = champ(d.champs_private, 'Date de fin APT');
  const processedAt = d.processed_at as string | null;
  const processedDay = processedAt ? parisDay(new Date(processedAt)) : null;

  if (state === 'closed' && !isIntroduction) {
    if (!debut) out.push('closed: début APT absent');
    else if (isEmpty(debut.value)) out.push('closed: début APT empty');
    if (fin && isEmpty(fin.value)) out.push('closed: fin APT empty');
    if (isCalendarDay(debut?.value) && isCalendarDay(fin?.value)) {
      const [start, end] = [debut!.value as string, fin!.value as string];
      const limit = addCalendarMonths(start, 12);
      if (end < start) out.push('closed: fin before début');
      if (end > limit) out.push('closed: over 12 months');
      if (end === limit) out.push('closed: exactly 12 months');
      out.push(end >= TODAY ? 'APT valid now' : 'APT expired');
      if (end === addCalendarDays(TODAY, -1)) out.push('APT ends yesterday');
      if (end === TODAY) out.push('APT ends today');
      if (end === addCalendarDays(TODAY, 1)) out.push('APT ends tomorrow');
    }
  }
  if (processedAt && processedDay) {
    const last = (d.commentaires as RawMessage[]).filter((m) => m.email !== DS_CONTACT).pop();
    if (last && last.created_at > processedAt) {
      if (isInstructor(last.email)) out.push(`${state}: instructor answered last after decision`);
      else if (d.archived === true) out.push(`${state}: archived, applicant wrote last after decision`);
      else out.push(`${state}: not archived, applicant wrote last after decision`);
    }
    if (daysBetween(processedDay, TODAY) <= 2) {
      out.push('processed in the last 2 days');
      if (out.some((f) => /^closed: (début APT empty|fin APT empty|fin before|over 12)/.test(f))) {
        out.push('closed with a mailed alert, processed in the last 2 days');
      }
    }
  }
  const since = (iso: unknown) => daysBetween(parisDay(new Date(iso as string)), TODAY);
  if (state === 'initiated') out.push(since(d.initiated_at) > 7 ? 'initiated > 7 days' : 'initiated ≤ 7 days');
  if (state === 'received') out.push(since(d.received_at) > 7 ? 'received > 7 days' : 'received ≤ 7 days');

  const birthDate = champ(d.champs, 'Date de naissance');
  if (!champ(d.champs, 'Nom')) out.push('broken: no Nom');
  if (!birthDate) out.push('broken: no Date de naissance');
  else if (!isCalendarDay(birthDate.value)) out.push('broken: malformed Date de naissance');
  if (d.etablissement === null) out.push('broken: etablissement null');
  if (!champ(d.champs, 'Nationalité')) out.push('broken: no Nationalité');
  if ([debut, fin].some((c) => c && !isEmpty(c.value) && !isCalendarDay(c.value))) out.push('broken: garbage APT date');
  return out;
}

describe('PROCEDURE_CONFIGS', () => {
  it('holds the 37 rows of ds-aggregator with two-digit string ids', () => {
    expect(PROCEDURE_CONFIGS).toHaveLength(37);
    for (const { group, procedures } of PROCEDURE_CONFIGS) {
      expect(group.id).toMatch(/^\d{2}$/);
      expect(group.label.startsWith(`${group.id} - `)).toBe(true);
      expect(procedures.length).toBeGreaterThan(0);
    }
    expect(PROCEDURE_CONFIGS[0].group).toEqual({ id: '02', label: '02 - Aisne', type: 'autorisation' });
  });

  it('has Paris twice, autorisation then introduction, and every procedure id once', () => {
    const paris = PROCEDURE_CONFIGS.filter((c) => c.group.id === '75');
    expect(paris).toEqual([
      { procedures: [14131, 13760, 3272], group: { id: '75', label: '75 - Paris', type: 'autorisation' } },
      { procedures: [33588], group: { id: '75', label: '75 - Paris', type: 'introduction' } },
    ]);
    expect(PROCEDURE_CONFIGS.filter((c) => c.group.type === 'introduction')).toHaveLength(1);
    const ids = PROCEDURE_CONFIGS.flatMap((c) => c.procedures);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('generateDossierRecords', () => {
  let rows: DossierRecordRow[];
  const familiesOf = new Map<DossierRecordRow, string[]>();
  const counts = new Map<string, number>();

  beforeAll(() => {
    rows = take(COUNT);
    for (const row of rows) {
      familiesOf.set(row, families(row));
      for (const f of familiesOf.get(row)!) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
  });

  it('is deterministic for a seed and a now, and the seed matters', () => {
    const first = JSON.stringify(take(300));
    expect(JSON.stringify(take(300, DEMO_SEED))).toBe(first);
    expect(JSON.stringify(take(300, 7))).not.toBe(first);
  });

  it('is lazy: the first rows of a huge data set come at once', () => {
    const iterator = generateDossierRecords({ count: 1_000_000_000, now: NOW });
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(first.value.ds_key).toMatch(/^\d+-\d+$/);
  });

  it('rejects a count that is not a non-negative integer', () => {
    expect(() => generateDossierRecords({ count: -1, now: NOW }).next()).toThrow();
    expect(() => generateDossierRecords({ count: 1.5, now: NOW }).next()).toThrow();
    expect(take(0)).toEqual([]);
  });

  it('gives unique ds_keys made of a configured procedure and increasing dossier ids', () => {
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((r) => r.ds_key)).size).toBe(COUNT);
    const ids = rows.map((r) => r.ds_data.id as number);
    expect(ids[0]).toBeGreaterThan(300_000);
    expect(ids.filter((id, i) => i > 0 && id <= ids[i - 1])).toEqual([]);
    const consistent = (row: DossierRecordRow) => {
      const config = PROCEDURE_CONFIGS.find((c) => c.procedures.includes(row.procedure_id));
      return (
        row.ds_key === `${row.procedure_id}-${row.ds_data.id}` &&
        config !== undefined &&
        JSON.stringify(row.metadata.group) === JSON.stringify(config.group) &&
        row.metadata.procedure_id === row.procedure_id &&
        row.ds_data.state === row.state &&
        row.metadata.state === row.state
      );
    };
    expect(violations(rows, consistent)).toEqual([]);
  });

  it('spreads over every group, Paris first, with about 8% introductions', () => {
    const byGroup = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.metadata.group.id}/${row.metadata.group.type}`;
      byGroup.set(key, (byGroup.get(key) ?? 0) + 1);
    }
    expect(byGroup.size).toBe(37);
    const ranked = [...byGroup.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked[0][0]).toBe('75/autorisation');
    const introductions = rows.filter((r) => r.procedure_id === 33588).length / COUNT;
    expect(introductions).toBeGreaterThan(0.05);
    expect(introductions).toBeLessThan(0.12);
  });

  it('has every state, mostly closed', () => {
    const byState = new Map<string, number>();
    for (const row of rows) byState.set(row.state!, (byState.get(row.state!) ?? 0) + 1);
    expect([...byState.keys()].sort()).toEqual(['closed', 'initiated', 'received', 'refused', 'without_continuation']);
    expect(byState.get('closed')! / COUNT).toBeGreaterThan(0.6);
  });

  it('keeps dates ordered, within 2018..now, and consistent between columns, ds_data and metadata', () => {
    const start = Date.UTC(2018, 0, 1);
    const now = NOW.getTime();
    const parse = (v: unknown) => (v === null ? null : Date.parse(v as string));
    const ordered = (row: DossierRecordRow) => {
      const d = row.ds_data;
      const m = row.metadata;
      const [created, initiated, updated] = [parse(d.created_at)!, parse(d.initiated_at)!, parse(d.updated_at)!];
      const [received, processed] = [parse(d.received_at), parse(d.processed_at)];
      const pending = row.state === 'initiated' || row.state === 'received';
      const times = (d.commentaires as RawMessage[]).map((c) => Date.parse(c.created_at));
      const lastEvent = Math.max(processed ?? received ?? initiated, ...times);
      const lastModified = row.last_modified!.getTime();
      return (
        m.created_at === created &&
        m.initiated_at === initiated &&
        m.received_at === received &&
        m.processed_at === processed &&
        m.updated_at === updated &&
        row.created_at.getTime() === created &&
        row.processed_at!.getTime() === (processed ?? EPOCH) &&
        created >= start &&
        initiated >= created &&
        (received === null) === (row.state === 'initiated') &&
        (processed === null) === pending &&
        (received === null || received >= initiated) &&
        (processed === null || processed >= received!) &&
        times.every((t, i) => i === 0 || t >= times[i - 1]) &&
        updated >= lastEvent &&
        lastModified >= updated &&
        lastModified <= now &&
        (!pending || d.archived === false)
      );
    };
    expect(violations(rows, ordered)).toEqual([]);
  });

  it('keeps instructors in the history and at direccte or dreets addresses', () => {
    const kept = (row: DossierRecordRow) =>
      (row.ds_data.instructeurs as string[]).every((e) => row.metadata.instructors_history.includes(e)) &&
      row.metadata.instructors_history.every(isInstructor);
    expect(violations(rows, kept)).toEqual([]);
    const all = rows.flatMap((r) => r.metadata.instructors_history);
    expect(all.some((e) => e.endsWith('@direccte.test'))).toBe(true);
    expect(all.some((e) => e.endsWith('@dreets.test'))).toBe(true);
  });

  it('invents addresses on reserved domains only (.test, example.org), besides the DS sender', () => {
    const addresses = new Set<string>();
    for (const row of rows) {
      for (const m of JSON.stringify(row).matchAll(/[\w.+-]+@([\w-]+\.)+[\w-]+/g)) addresses.add(m[0].toLowerCase());
    }
    expect(addresses.size).toBeGreaterThan(100);
    const real = [...addresses].filter(
      (a) => a !== DS_CONTACT && !a.endsWith('.test') && !/@([\w-]+\.)*example\.org$/.test(a),
    );
    expect(real).toEqual([]);
  });

  it('gives APT dates to closed autorisations only, a few days after the decision and up to 12 months long', () => {
    const regular = rows.filter(
      (row) => !familiesOf.get(row)!.some((f) => f.startsWith('closed:') || f.startsWith('broken: garbage')),
    );
    const introductions = regular.filter((row) => row.metadata.group.type === 'introduction');
    const pending = regular.filter((row) => row.metadata.group.type !== 'introduction' && row.state !== 'closed');
    const closed = regular.filter((row) => row.metadata.group.type !== 'introduction' && row.state === 'closed');
    const apt = (row: DossierRecordRow) => [
      champ(row.ds_data.champs_private, 'Date de début APT'),
      champ(row.ds_data.champs_private, 'Date de fin APT'),
    ];
    expect(violations(introductions, (row) => apt(row).every((c) => c === undefined))).toEqual([]);
    expect(violations(pending, (row) => apt(row).every((c) => c !== undefined && isEmpty(c.value)))).toEqual([]);
    const wellFormed = (row: DossierRecordRow) => {
      const [start, end] = apt(row).map((c) => c?.value as string);
      const gap = daysBetween((row.ds_data.processed_at as string).slice(0, 10), start);
      return gap >= 1 && gap <= 10 && daysBetween(start, end) >= 27 && end < addCalendarMonths(start, 12);
    };
    expect(violations(closed, wellFormed)).toEqual([]);
    expect(closed.length).toBeGreaterThan(COUNT / 2);
  });

  it('gives plausible people: ages 17 to 40, upper-case nationalities with a meaningful top 10', () => {
    const plausibleAge = (row: DossierRecordRow) => {
      const birth = champ(row.ds_data.champs, 'Date de naissance')?.value;
      if (!isCalendarDay(birth)) return true;
      const created = (row.ds_data.created_at as string).slice(0, 10);
      const age = Number(created.slice(0, 4)) - Number(birth.slice(0, 4)) - (created.slice(5) < birth.slice(5) ? 1 : 0);
      return age >= 17 && age <= 40;
    };
    expect(violations(rows, plausibleAge)).toEqual([]);
    const nationalities = new Map<string, number>();
    for (const row of rows) {
      const nationality = champ(row.ds_data.champs, 'Nationalité')?.value;
      if (nationality) nationalities.set(nationality, (nationalities.get(nationality) ?? 0) + 1);
    }
    expect([...nationalities.keys()].filter((n) => n !== n.toUpperCase())).toEqual([]);
    const ranked = [...nationalities.values()].sort((a, b) => b - a);
    expect(ranked.length).toBeGreaterThanOrEqual(35);
    expect(ranked[0]).toBeGreaterThan(3 * ranked[9]);
    expect(ranked[9]).toBeGreaterThan(2 * ranked[ranked.length - 1]);
  });

  it('has 14-digit SIRETs and a body small enough for benchmarks', () => {
    const siret = (row: DossierRecordRow) => {
      const etablissement = row.ds_data.etablissement as { siret: string } | null;
      return etablissement === null || /^\d{14}$/.test(etablissement.siret);
    };
    expect(violations(rows, siret)).toEqual([]);
    const size = rows.reduce((sum, row) => sum + JSON.stringify(row.ds_data).length, 0);
    expect(size / COUNT).toBeLessThan(8000);
  });

  const EDGE_CASES = [
    'closed: début APT empty',
    'closed: début APT absent',
    'closed: fin APT empty',
    'closed: fin before début',
    'closed: over 12 months',
    'closed: exactly 12 months',
    'closed: archived, applicant wrote last after decision',
    'refused: archived, applicant wrote last after decision',
    'without_continuation: archived, applicant wrote last after decision',
    'closed: not archived, applicant wrote last after decision',
    'closed: instructor answered last after decision',
    'refused: instructor answered last after decision',
    'initiated > 7 days',
    'received > 7 days',
  ];

  it.each(EDGE_CASES)('has a small but nonzero share of "%s"', (family) => {
    const share = (counts.get(family) ?? 0) / COUNT;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.03);
  });

  it.each([
    'initiated ≤ 7 days',
    'received ≤ 7 days',
    'processed in the last 2 days',
    'closed with a mailed alert, processed in the last 2 days',
    'APT ends yesterday',
    'APT ends today',
    'APT ends tomorrow',
  ])('has some "%s"', (family) => {
    expect(counts.get(family) ?? 0).toBeGreaterThan(0);
  });

  it('has both valid and expired APTs at now', () => {
    expect(counts.get('APT valid now')! / COUNT).toBeGreaterThan(0.02);
    expect(counts.get('APT expired')! / COUNT).toBeGreaterThan(0.3);
  });

  it('has every kind of broken record, about 0.5% in all', () => {
    const broken = [
      'broken: no Nom',
      'broken: no Date de naissance',
      'broken: malformed Date de naissance',
      'broken: etablissement null',
      'broken: no Nationalité',
      'broken: garbage APT date',
    ];
    for (const family of broken) expect(counts.get(family) ?? 0).toBeGreaterThan(0);
    const share = rows.filter((r) => familiesOf.get(r)!.some((f) => f.startsWith('broken:'))).length / COUNT;
    expect(share).toBeGreaterThan(0.002);
    expect(share).toBeLessThan(0.01);
  });
});
