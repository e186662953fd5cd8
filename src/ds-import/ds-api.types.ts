/**
 * The parts of DS GraphQL API answers the import reads (see ds-api.queries.ts). Every field is typed by an applicant or
 * comes from another service: the mapper checks each one rather than trusting these types.
 */
export interface DsPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface DsChamp {
  __typename?: string;
  id?: string;
  label?: string;
  stringValue?: string | null;
  /** DateChamp: ISO `YYYY-MM-DD` (stringValue is French text such as "07 mars 1998"). */
  date?: string | null;
  /** PaysChamp. */
  pays?: { name?: string | null; code?: string | null } | null;
}

export interface DsMessage {
  email?: string;
  body?: string;
  createdAt?: string;
  attachments?: Array<{ url?: string | null }>;
}

export interface DsDossierNode {
  number?: number;
  state?: string;
  archived?: boolean;
  motivation?: string | null;
  dateDepot?: string;
  datePassageEnInstruction?: string | null;
  dateTraitement?: string | null;
  dateDerniereModification?: string | null;
  usager?: { email?: string | null } | null;
  instructeurs?: Array<{ email?: string | null } | null> | null;
  demandeur?: { __typename?: string; siret?: string | null } | null;
  champs?: DsChamp[] | null;
  annotations?: DsChamp[] | null;
  messages?: DsMessage[] | null;
}

export interface DsDossierPage {
  pageInfo: DsPageInfo;
  /** A node is null when DS could not build it; such a page also carries a root error. */
  nodes: Array<DsDossierNode | null>;
}

export interface DsDeletedDossier {
  number: number;
  dateSupression?: string;
}

export interface DsDeletedPage {
  pageInfo: DsPageInfo;
  nodes: Array<DsDeletedDossier | null>;
}
