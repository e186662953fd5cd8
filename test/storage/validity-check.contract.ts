import { ValidityCheck } from '../../src/validity-check/validity-check';
import { obfuscate } from '../../src/validity-check/validity-check.rules';
import { BackendRef } from './storage-backend';

const SYNC_1 = new Date('2021-06-01T04:00:00Z');
const SYNC_2 = new Date('2021-06-02T04:00:00Z');

export function check(dossierId: number, overrides: Partial<ValidityCheck> = {}): ValidityCheck {
  return {
    dsKey: `14131-${dossierId}`,
    dossierId,
    type: 'autorisation',
    siret: '81234567800021',
    nom: '*g****',
    prenom: '*h* ***',
    dateDeNaissance: '1998-03-07',
    dateDeDebutApt: '2020-09-21',
    dateDeFinApt: '2021-06-30',
    finApt: '2021-06-30',
    champs: [
      { value: 'VIETNAM', type_de_champ: { libelle: 'Nationalité' } },
      { value: null, type_de_champ: { libelle: "Nombre d'heures" } },
    ],
    ...overrides,
  };
}

export function introduction(dossierId: number, overrides: Partial<ValidityCheck> = {}): ValidityCheck {
  return check(dossierId, {
    dsKey: `33588-${dossierId}`,
    type: 'introduction',
    dateDeDebutApt: '',
    dateDeFinApt: '',
    finApt: null,
    ...overrides,
  });
}

export function validityCheckContract(backend: BackendRef): void {
  describe('ValidityCheckRepository', () => {
    const repo = () => backend().validityChecks;

    it('stores a check and finds it by dossier id and exact birth date only', async () => {
      await repo().upsertMany([check(4518237), introduction(4518238)], SYNC_1);

      expect(await repo().findByDossierAndBirthDate(4518237, '1998-03-07')).toEqual(check(4518237));
      expect(await repo().findByDossierAndBirthDate(4518238, '1998-03-07')).toEqual(introduction(4518238));
      expect(await repo().findByDossierAndBirthDate(4518237, '1998-03-08')).toBeNull();
      expect(await repo().findByDossierAndBirthDate(4518237, '1998-3-7')).toBeNull();
      expect(await repo().findByDossierAndBirthDate(451823, '1998-03-07')).toBeNull();
      expect(await repo().count()).toBe(2);
    });

    it('stores a name masked around a letter outside the Basic Multilingual Plane', async () => {
      const astral = check(4518240, { nom: obfuscate('D\u{1D4A9}upont'), prenom: obfuscate('\u{1D4A9}') });
      await repo().upsertMany([astral], SYNC_1);
      expect(await repo().findByDossierAndBirthDate(4518240, '1998-03-07')).toEqual(astral);
    });

    it('answers lookups made at the same time each with its own check (batched or not)', async () => {
      await repo().upsertMany([check(4518237), introduction(4518238), check(4518239)], SYNC_1);
      const keys: Array<[number, string]> = [
        [4518239, '1998-03-07'],
        [4518237, '1998-03-08'],
        [4518238, '1998-03-07'],
        [999999999999999, '1998-03-07'],
        [4518237, '1998-03-07'],
        [4518239, '1998-03-07'],
      ];
      const found = await Promise.all(keys.map(([id, day]) => repo().findByDossierAndBirthDate(id, day)));
      expect(found).toEqual([check(4518239), null, introduction(4518238), null, check(4518237), check(4518239)]);
    });

    it('upserts by ds_key: writing again replaces, never duplicates', async () => {
      await repo().upsertMany([check(500001), check(500002)], SYNC_1);
      await repo().upsertMany(
        [check(500001, { nom: '*a****', finApt: '2022-01-31', dateDeFinApt: '2022-01-31' })],
        SYNC_2,
      );
      // An autorisation turned introduction loses its end date.
      await repo().upsertMany([check(500002, { type: 'introduction', finApt: null, dateDeFinApt: '' })], SYNC_2);

      expect(await repo().count()).toBe(2);
      expect(await repo().findByDossierAndBirthDate(500001, '1998-03-07')).toMatchObject({
        nom: '*a****',
        finApt: '2022-01-31',
      });
      expect(await repo().findByDossierAndBirthDate(500002, '1998-03-07')).toMatchObject({
        type: 'introduction',
        finApt: null,
      });
      await repo().upsertMany([], SYNC_2);
      expect(await repo().count()).toBe(2);
    });

    it('writes many checks at once (more than one batch)', async () => {
      const checks = Array.from({ length: 60 }, (_, i) => check(600000 + i));
      await repo().upsertMany(checks, SYNC_1);
      await repo().upsertMany(checks, SYNC_1);
      expect(await repo().count()).toBe(60);
      expect(await repo().findByDossierAndBirthDate(600059, '1998-03-07')).toEqual(check(600059));
    });

    it('deletes by ds_key, counting only what existed', async () => {
      await repo().upsertMany([check(700001), check(700002), check(700003)], SYNC_1);
      expect(await repo().deleteByDsKeys(['14131-700001', '14131-700003', '14131-799999', '14131-700001'])).toBe(2);
      expect(await repo().deleteByDsKeys([])).toBe(0);
      expect(await repo().count()).toBe(1);
      expect(await repo().findByDossierAndBirthDate(700002, '1998-03-07')).not.toBeNull();
    });

    it('removes the checks no run refreshed since a date, over several pages', async () => {
      const stale = Array.from({ length: 55 }, (_, i) => check(800000 + i));
      await repo().upsertMany(stale, SYNC_1);
      await repo().upsertMany([check(899999), introduction(899998)], SYNC_2);

      expect(await repo().deleteNotSyncedSince(SYNC_2)).toBe(55);
      expect(await repo().count()).toBe(2);
      expect(await repo().deleteNotSyncedSince(SYNC_2)).toBe(0);
    });

    it('expires autorisations by Paris calendar day, compared as strings, and never introductions (introductions-never-expire)', async () => {
      await repo().upsertMany(
        [
          check(900001, { finApt: '2021-06-29' }),
          check(900002, { finApt: '2021-06-30' }),
          check(900003, { finApt: '2021-07-01' }),
          check(900004, { finApt: '2020-12-31' }),
          introduction(900005),
        ],
        SYNC_1,
      );

      expect(await repo().deleteExpired('2021-06-30')).toBe(2);
      const left = await Promise.all(
        [900001, 900002, 900003, 900004, 900005].map(async (id) =>
          (await repo().findByDossierAndBirthDate(id, '1998-03-07')) ? id : null,
        ),
      );
      expect(left).toEqual([null, 900002, 900003, null, 900005]);
      expect(await repo().deleteExpired('2021-06-30')).toBe(0);
      expect(await repo().deleteExpired('2099-01-01')).toBe(2);
      expect(await repo().count()).toBe(1);
    });

    it('keeps ds_keys that no record id alphabet could hold apart', async () => {
      const odd = [
        check(910001, { dsKey: '14131-910001' }),
        check(910002, { dsKey: 'batch-910002' }),
        check(910003, { dsKey: 'a/b?c=d' }),
        check(910004, { dsKey: 'A B' }),
        check(910005, { dsKey: 'a_b' }),
      ];
      await repo().upsertMany(odd, SYNC_1);
      expect(await repo().count()).toBe(5);
      expect(await repo().findByDossierAndBirthDate(910003, '1998-03-07')).toEqual(odd[2]);
      expect(await repo().deleteByDsKeys(['batch-910002', 'a/b?c=d', 'A B'])).toBe(3);
      expect(await repo().count()).toBe(2);
    });
  });
}
