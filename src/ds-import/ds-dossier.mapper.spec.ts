import { DsProcedure } from '../config/ds-procedures';
import { DsDossierNode } from './ds-api.types';
import { mapDsDossier } from './ds-dossier.mapper';

const PARIS: DsProcedure = { number: 14131, group: { id: '75', label: '75 - Paris', type: 'autorisation' } };

/** The dossier as the GraphQL API answers it, with the offsets and the French date text DS sends. */
function node(overrides: Partial<DsDossierNode> = {}): DsDossierNode {
  return {
    number: 4518237,
    state: 'accepte',
    archived: true,
    motivation: null,
    dateDepot: '2020-09-14T10:31:02+02:00',
    datePassageEnInstruction: '2020-09-16T15:05:10+02:00',
    dateTraitement: '2020-09-17T11:42:33+02:00',
    dateDerniereModification: '2020-09-21T10:01:40+02:00',
    usager: { email: 'rh.recrutement@exemple-sas.fr' },
    instructeurs: [{ email: 'paul.durand@direccte.gouv.fr' }],
    demandeur: { __typename: 'PersonneMorale', siret: '81234567800021' },
    champs: [
      { __typename: 'HeaderSectionChamp', id: 'Q2hhbXAtOTgyOTQ=', label: 'Salarié', stringValue: '' },
      { __typename: 'TextChamp', id: 'Q2hhbXAtOTgyODM=', label: 'Nom', stringValue: 'Nguyen' },
      {
        __typename: 'PaysChamp',
        id: 'Q2hhbXAtOTgyODU=',
        label: 'Nationalité',
        stringValue: 'Viêt Nam',
        pays: { name: 'VIETNAM', code: 'VN' },
      },
      {
        __typename: 'DateChamp',
        id: 'Q2hhbXAtOTgyODc=',
        label: 'Date de naissance',
        stringValue: '07 mars 1998',
        date: '1998-03-07',
      },
      {
        __typename: 'DropDownListChamp',
        id: 'Q2hhbXAtOTgzMDM=',
        label: 'Type de contrat',
        stringValue: 'contrat à durée déterminée (CDD)',
      },
    ],
    annotations: [
      {
        __typename: 'DateChamp',
        id: 'Q2hhbXAtOTgzMTU=',
        label: 'Date de début APT',
        stringValue: '21 septembre 2020',
        date: '2020-09-21',
      },
      { __typename: 'DateChamp', id: 'Q2hhbXAtOTgzMTc=', label: 'Date de fin APT', stringValue: null, date: null },
    ],
    messages: [
      {
        email: 'rh.recrutement@exemple-sas.fr',
        body: 'Voici le contrat signé.',
        createdAt: '2020-09-16T17:02:10+02:00',
        attachments: [{ url: 'https://static.exemple/contrat.pdf' }],
      },
    ],
    ...overrides,
  };
}

describe('mapDsDossier', () => {
  it('rebuilds the API v1 dossier and the aggregator columns', () => {
    const mapped = mapDsDossier(node(), PARIS);
    if (!('dossier' in mapped)) throw new Error(mapped.error);
    const d = mapped.dossier;
    expect(d).toMatchObject({
      dsKey: '14131-4518237',
      procedureId: 14131,
      state: 'closed',
      createdAt: new Date('2020-09-14T08:31:02Z'),
      processedAt: new Date('2020-09-17T09:42:33Z'),
      instructeurs: ['paul.durand@direccte.gouv.fr'],
      metadata: {
        state: 'closed',
        procedure_id: 14131,
        group: { id: '75', label: '75 - Paris', type: 'autorisation' },
        initiated_at: Date.parse('2020-09-14T08:31:02Z'),
        received_at: Date.parse('2020-09-16T13:05:10Z'),
        processed_at: Date.parse('2020-09-17T09:42:33Z'),
        updated_at: Date.parse('2020-09-21T08:01:40Z'),
      },
    });
    expect(d.dsData).toEqual({
      id: 4518237,
      created_at: '2020-09-14T08:31:02.000Z',
      updated_at: '2020-09-21T08:01:40.000Z',
      archived: true,
      email: 'rh.recrutement@exemple-sas.fr',
      state: 'closed',
      simplified_state: 'Accepté',
      initiated_at: '2020-09-14T08:31:02.000Z',
      received_at: '2020-09-16T13:05:10.000Z',
      processed_at: '2020-09-17T09:42:33.000Z',
      motivation: null,
      instructeurs: ['paul.durand@direccte.gouv.fr'],
      individual: null,
      etablissement: { siret: '81234567800021' },
      commentaires: [
        {
          email: 'rh.recrutement@exemple-sas.fr',
          body: 'Voici le contrat signé.',
          created_at: '2020-09-16T15:02:10.000Z',
          attachment: 'https://static.exemple/contrat.pdf',
        },
      ],
      champs: [
        {
          value: null,
          type_de_champ: { id: 'Q2hhbXAtOTgyOTQ=', libelle: 'Salarié', type_champ: 'header_section', order_place: 0 },
        },
        {
          value: 'Nguyen',
          type_de_champ: { id: 'Q2hhbXAtOTgyODM=', libelle: 'Nom', type_champ: 'text', order_place: 1 },
        },
        {
          value: 'VIETNAM',
          type_de_champ: { id: 'Q2hhbXAtOTgyODU=', libelle: 'Nationalité', type_champ: 'pays', order_place: 2 },
        },
        {
          value: '1998-03-07',
          type_de_champ: { id: 'Q2hhbXAtOTgyODc=', libelle: 'Date de naissance', type_champ: 'date', order_place: 3 },
        },
        {
          value: 'contrat à durée déterminée (CDD)',
          type_de_champ: {
            id: 'Q2hhbXAtOTgzMDM=',
            libelle: 'Type de contrat',
            type_champ: 'drop_down_list',
            order_place: 4,
          },
        },
      ],
      champs_private: [
        {
          value: '2020-09-21',
          type_de_champ: { id: 'Q2hhbXAtOTgzMTU=', libelle: 'Date de début APT', type_champ: 'date', order_place: 0 },
        },
        {
          value: null,
          type_de_champ: { id: 'Q2hhbXAtOTgzMTc=', libelle: 'Date de fin APT', type_champ: 'date', order_place: 1 },
        },
      ],
    });
  });

  it.each([
    ['en_construction', 'initiated', 'En construction'],
    ['en_instruction', 'received', 'En instruction'],
    ['accepte', 'closed', 'Accepté'],
    ['refuse', 'refused', 'Refusé'],
    ['sans_suite', 'without_continuation', 'Classé sans suite'],
  ])('maps the state %s to the v1 state %s', (state, legacy, label) => {
    const mapped = mapDsDossier(node({ state }), PARIS);
    expect('dossier' in mapped && [mapped.dossier.state, mapped.dossier.dsData.simplified_state]).toEqual([
      legacy,
      label,
    ]);
  });

  it('leaves the siret out for a person, and takes the text of a country without a pays', () => {
    const mapped = mapDsDossier(
      node({
        demandeur: { __typename: 'PersonnePhysique' },
        champs: [{ __typename: 'PaysChamp', label: 'Nationalité', stringValue: 'MAROC', pays: null }],
        dateTraitement: null,
      }),
      PARIS,
    );
    if (!('dossier' in mapped)) throw new Error(mapped.error);
    expect(mapped.dossier.dsData).toMatchObject({
      etablissement: null,
      processed_at: null,
      champs: [{ value: 'MAROC' }],
    });
    expect(mapped.dossier.processedAt).toBeNull();
  });

  it.each([
    [{ number: undefined }, null, 'no usable dossier number'],
    [{ state: 'brouillon' }, 4518237, 'unknown state'],
    [{ dateDepot: undefined }, 4518237, 'no dateDepot'],
    [{ dateDepot: '14/09/2020' }, 4518237, 'unreadable dateDepot'],
    [{ dateTraitement: '2020-02-30T25:00:00+01:00' }, 4518237, 'unreadable dateTraitement'],
    [{ champs: 'Nguyen' as never }, 4518237, 'champs is not a list'],
  ])('refuses a dossier it cannot rebuild (%o), naming it by number only', (overrides, number, error) => {
    expect(mapDsDossier(node(overrides as Partial<DsDossierNode>), PARIS)).toEqual({ error, dossierNumber: number });
  });

  it('refuses a missing node', () => {
    expect(mapDsDossier(null, PARIS)).toEqual({ error: 'no usable dossier number', dossierNumber: null });
  });
});

describe('mapDsDossier and hostile text', () => {
  it('drops NUL characters and replaces lone surrogates, which PostgreSQL jsonb refuses', () => {
    const mapped = mapDsDossier(
      node({
        champs: [{ __typename: 'TextChamp', label: 'Nom', stringValue: 'Ngu\u0000yen \ud800' }],
        instructeurs: [{ email: 'a@x.fr' }, { email: 'a@x.fr' }, { email: 'b@x.fr' }],
      }),
      PARIS,
    );
    if (!('dossier' in mapped)) throw new Error(mapped.error);
    expect(mapped.dossier.dsData.champs).toMatchObject([{ value: 'Nguyen \ufffd' }]);
    expect(mapped.dossier.instructeurs).toEqual(['a@x.fr', 'b@x.fr']);
  });
});
