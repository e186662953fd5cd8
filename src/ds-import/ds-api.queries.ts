/**
 * The two queries of the import. Champs name their type in fragments: DS answers a PaysChamp as a plain TextChamp
 * unless the query asks for it, and the ISO date of a DateChamp is only in `date`.
 */
const CHAMP_FIELDS = `
fragment ChampFields on Champ {
  __typename
  id
  label
  stringValue
  ... on DateChamp { date }
  ... on PaysChamp { pays { name code } }
}`;

/** At most 100 dossiers per request: DS's own limit. */
export const DS_PAGE_SIZE = 100;

export const DOSSIERS_QUERY = `
query getDemarcheDossiers($demarcheNumber: Int!, $updatedSince: ISO8601DateTime, $first: Int, $after: String) {
  demarche(number: $demarcheNumber) {
    number
    dossiers(updatedSince: $updatedSince, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        state
        archived
        motivation
        dateDepot
        datePassageEnInstruction
        dateTraitement
        dateDerniereModification
        usager { email }
        instructeurs { email }
        demandeur { __typename ... on PersonneMorale { siret } ... on PersonneMoraleIncomplete { siret } }
        champs { ...ChampFields }
        annotations { ...ChampFields }
        messages { email body createdAt attachments { url } }
      }
    }
  }
}
${CHAMP_FIELDS}`;

export const DELETED_DOSSIERS_QUERY = `
query getDemarcheDeletedDossiers($demarcheNumber: Int!, $deletedSince: ISO8601DateTime, $first: Int, $after: String) {
  demarche(number: $demarcheNumber) {
    number
    deletedDossiers(deletedSince: $deletedSince, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { number dateSupression }
    }
  }
}`;
