import { Dossier } from '../dossier-source/dossier';
import { decideValidityCheck, isExpired, obfuscate } from './validity-check.rules';

function dossier(overrides: Partial<Dossier> = {}, annotations: Record<string, string | null> = {}): Dossier {
  const privates: Record<string, string | null> = {
    'Date de début APT': '2020-09-21',
    'Date de fin APT': '2021-06-30',
    ...annotations,
  };
  return {
    dsKey: '14131-4518237',
    procedureId: 14131,
    dossierId: 4518237,
    state: 'closed',
    archived: true,
    group: { id: '75', label: '75 - Paris', type: 'autorisation' },
    email: 'rh@exemple.fr',
    instructeurs: [],
    instructorsHistory: [],
    siret: '81234567800021',
    createdAt: null,
    initiatedAt: null,
    receivedAt: null,
    processedAt: null,
    lastModified: null,
    champs: [
      { libelle: 'Nom', value: 'Nguyen' },
      { libelle: 'Prénom', value: 'Thi Lan' },
      { libelle: 'Date de naissance', value: '1998-03-07' },
      { libelle: 'Nationalité', value: 'VIETNAM' },
      { libelle: 'E-mail', value: 'x@y.fr' },
    ],
    champsPrivate: Object.entries(privates)
      .filter(([, v]) => v !== null)
      .map(([libelle, value]) => ({ libelle, value })),
    messages: [],
    ...overrides,
  };
}

describe('obfuscate', () => {
  it.each([
    ['Dupont', '*u****'],
    ['Nguyen', '*g****'],
    ['Thi Lan', '*h* ***'],
    ['Jean-Paul', '*e*******'],
    ['El Amrani', '*l ******'],
    ['A', '*'],
    ['', ''],
    ['non renseigné', '*o* *********'],
    ['  Dupont  ', '*u****'],
  ])('%j → %j', (input, expected) => expect(obfuscate(input)).toBe(expected));

  it('masks letters outside the Basic Multilingual Plane whole, one `*` each, never half a surrogate pair', () => {
    // U+1D4A9 MATHEMATICAL SCRIPT CAPITAL N: two UTF-16 units.
    expect(obfuscate('D\u{1D4A9}upont')).toBe('*\u{1D4A9}*****');
    expect(obfuscate('\u{1D4A9}upont')).toBe('*u****');
    expect(obfuscate('Du\u{1D4A9} \u{1F600}')).toBe('*u* *');
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const name of ['D\u{1D4A9}upont', '\u{1D4A9}\u{1D4A9}', 'A\u{1F600}']) {
      expect(obfuscate(name)).not.toMatch(lone);
    }
  });
});

describe('isExpired', () => {
  it('is valid through the whole last day and expired the day after', () => {
    expect(isExpired('2021-06-30', '2021-06-30')).toBe(false);
    expect(isExpired('2021-06-30', '2021-07-01')).toBe(true);
    expect(isExpired(null, '2099-01-01')).toBe(false);
  });
});

describe('decideValidityCheck', () => {
  it('builds the check of an accepted autorisation with masked names and the kept champs only', () => {
    const decision = decideValidityCheck(dossier(), '2021-06-30');
    expect(decision).toEqual({
      kind: 'valid',
      check: {
        dsKey: '14131-4518237',
        dossierId: 4518237,
        type: 'autorisation',
        siret: '81234567800021',
        nom: '*g****',
        prenom: '*h* ***',
        dateDeNaissance: '1998-03-07',
        dateDeDebutApt: '2020-09-21',
        dateDeFinApt: '2021-06-30',
        finApt: '2021-06-30',
        champs: [{ value: 'VIETNAM', type_de_champ: { libelle: 'Nationalité' } }],
      },
    });
  });

  it('gives none for an autorisation expired yesterday (Paris day)', () => {
    expect(decideValidityCheck(dossier(), '2021-07-01')).toMatchObject({ kind: 'none', reason: 'APT expired' });
  });

  it.each([
    [{ 'Date de fin APT': '' }],
    [{ 'Date de fin APT': null }],
    [{ 'Date de début APT': null }],
    [{ 'Date de début APT': '' }],
    [{ 'Date de début APT': 'bientôt' }],
    [{ 'Date de fin APT': '2021-02-30' }],
  ])('gives none for an autorisation with APT dates %j', (annotations) => {
    expect(decideValidityCheck(dossier({}, annotations), '2021-01-01').kind).toBe('none');
  });

  it('gives none when the APT ends before it starts, but accepts a one-day APT', () => {
    expect(decideValidityCheck(dossier({}, { 'Date de fin APT': '2020-09-20' }), '2020-01-01').kind).toBe('none');
    expect(decideValidityCheck(dossier({}, { 'Date de fin APT': '2020-09-21' }), '2020-01-01').kind).toBe('valid');
  });

  it('gives an introduction a check with empty dates and no expiry, whatever the day', () => {
    const intro = dossier({ group: { id: '75', label: '75 - Paris', type: 'introduction' }, champsPrivate: [] });
    const decision = decideValidityCheck(intro, '2099-01-01');
    expect(decision).toMatchObject({
      kind: 'valid',
      check: { type: 'introduction', dateDeDebutApt: '', dateDeFinApt: '', finApt: null },
    });
  });

  it('treats a group without type as autorisation', () => {
    const old = dossier({ group: { id: '75', label: '75 - Paris' } as never });
    expect(decideValidityCheck(old, '2021-01-01')).toMatchObject({ kind: 'valid', check: { type: 'autorisation' } });
  });

  it.each(['received', 'initiated', 'refused', 'without_continuation', ''])('gives none in state %j', (state) => {
    expect(decideValidityCheck(dossier({ state }), '2021-01-01').kind).toBe('none');
  });

  it('reports broken dossiers with the missing field instead of throwing', () => {
    const noNom = dossier({ champs: [{ libelle: 'Date de naissance', value: '1998-03-07' }] });
    expect(decideValidityCheck(noNom, '2021-01-01')).toEqual({ kind: 'broken', reason: 'missing "Nom"' });
    const badBirth = dossier({
      champs: [
        { libelle: 'Nom', value: 'X' },
        { libelle: 'Date de naissance', value: '07/03/1998' },
      ],
    });
    expect(decideValidityCheck(badBirth, '2021-01-01').kind).toBe('broken');
    expect(decideValidityCheck(dossier({ siret: null }), '2021-01-01')).toMatchObject({ kind: 'broken' });
  });

  it('reports as broken a value longer than its column, by the length the schema declares', () => {
    const champs = (nom: string) => [
      { libelle: 'Nom', value: nom },
      { libelle: 'Date de naissance', value: '1998-03-07' },
    ];
    expect(decideValidityCheck(dossier({ champs: champs('N'.repeat(256)) }), '2021-01-01')).toEqual({
      kind: 'broken',
      reason: 'nom longer than 255 characters',
    });
    expect(decideValidityCheck(dossier({ champs: champs('N'.repeat(255)) }), '2021-01-01').kind).toBe('valid');
    expect(decideValidityCheck(dossier({ siret: '1'.repeat(33) }), '2021-01-01')).toEqual({
      kind: 'broken',
      reason: 'siret longer than 32 characters',
    });
  });

  it('uses "non renseigné" for a missing first name', () => {
    const d = dossier({
      champs: [
        { libelle: 'Nom', value: 'Nguyen' },
        { libelle: 'Date de naissance', value: '1998-03-07' },
      ],
    });
    expect(decideValidityCheck(d, '2021-01-01')).toMatchObject({ check: { prenom: '*o* *********' } });
  });
});
