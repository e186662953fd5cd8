import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { Databases, queryRows } from '../database/database';
import { DossierGroup } from './dossier';
import { DossierProjection, toDossier } from './dossier.mapper';
import { DossierBatch, DossierFilter, DossierSourceRepository } from './dossier-source.repository';

// Only the pieces the rules read leave the database: champs become [libelle, value] pairs and messages
// [email, created_at] pairs, which keeps a batch of full DS dossiers from ever being loaded into memory.
const array = (path: SQL) => sql`CASE WHEN jsonb_typeof(${path}) = 'array' THEN ${path} ELSE '[]'::jsonb END`;
const pairs = (path: SQL, first: string, second: string) =>
  sql`(SELECT jsonb_agg(jsonb_build_array(e->'type_de_champ'->>${sql.raw(`'${first}'`)}, e->>${sql.raw(`'${second}'`)}))
       FROM jsonb_array_elements(${array(path)}) e)`;

const PROJECTION = sql`
  ds_key,
  procedure_id,
  COALESCE(state, metadata->>'state', ds_data->>'state') AS state,
  last_modified,
  metadata->'group' AS grp,
  metadata->'instructors_history' AS history,
  metadata->'initiated_at' AS meta_initiated_at,
  metadata->'received_at' AS meta_received_at,
  metadata->'processed_at' AS meta_processed_at,
  ds_data->'id' AS dossier_id,
  ds_data->>'email' AS email,
  ds_data->'archived' AS archived,
  ds_data->'instructeurs' AS instructeurs,
  CASE WHEN jsonb_typeof(ds_data->'etablissement') = 'object' THEN ds_data->'etablissement'->>'siret' END AS siret,
  ds_data->>'created_at' AS created_at,
  ds_data->>'initiated_at' AS initiated_at,
  ds_data->>'received_at' AS received_at,
  ds_data->>'processed_at' AS processed_at,
  ${pairs(sql`ds_data->'champs'`, 'libelle', 'value')} AS champs,
  ${pairs(sql`ds_data->'champs_private'`, 'libelle', 'value')} AS champs_private,
  (SELECT jsonb_agg(jsonb_build_array(e->>'email', e->>'created_at'))
     FROM jsonb_array_elements(${array(sql`ds_data->'commentaires'`)}) e) AS messages`;

const STATE = sql`COALESCE(state, metadata->>'state', ds_data->>'state')`;

function where(filter: DossierFilter): SQL {
  const parts: SQL[] = [];
  if (filter.changedSince) {
    const changed = sql`last_modified >= ${filter.changedSince.toISOString()}::timestamptz`;
    parts.push(
      filter.alsoInStates?.length
        ? sql`(${changed} OR ${STATE} IN (${sql.join(
            filter.alsoInStates.map((s) => sql`${s}`),
            sql`, `,
          )}))`
        : changed,
    );
  }
  if (filter.states?.length) {
    parts.push(
      sql`${STATE} IN (${sql.join(
        filter.states.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  }
  return parts.length ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

@Injectable()
export class PgDossierSourceRepository extends DossierSourceRepository {
  constructor(private readonly databases: Databases) {
    super();
  }

  async count(filter: DossierFilter): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      this.databases.aggregator,
      sql`SELECT count(*)::int AS n FROM dossier_record WHERE ${where(filter)}`,
    );
    return row.n;
  }

  /** Keyset pagination on the unique ds_key: each page is one indexed range read, whatever the table size. */
  async *stream(filter: DossierFilter, batchSize = 1000): AsyncGenerator<DossierBatch> {
    let after = '';
    for (;;) {
      const rows = await queryRows<DossierProjection>(
        this.databases.aggregator,
        sql`SELECT ${PROJECTION} FROM dossier_record
            WHERE ${where(filter)} AND ds_key > ${after}
            ORDER BY ds_key LIMIT ${batchSize}`,
      );
      if (rows.length === 0) return;
      const batch: DossierBatch = { dossiers: [], broken: [] };
      for (const row of rows) {
        const mapped = toDossier(row);
        if ('dossier' in mapped) batch.dossiers.push(mapped.dossier);
        else batch.broken.push({ dsKey: row.ds_key, reason: mapped.error });
      }
      yield batch;
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].ds_key;
    }
  }

  async listGroups(): Promise<DossierGroup[]> {
    const rows = await queryRows<{ id: string; label: string | null; type: string | null }>(
      this.databases.aggregator,
      sql`SELECT DISTINCT ON ("group"->>'id', COALESCE("group"->>'type', 'autorisation'))
                 "group"->>'id' AS id, "group"->>'label' AS label, COALESCE("group"->>'type', 'autorisation') AS type
            FROM procedure_config WHERE "group"->>'id' IS NOT NULL
           ORDER BY "group"->>'id', COALESCE("group"->>'type', 'autorisation')`,
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.label ?? r.id,
      type: r.type === 'introduction' ? 'introduction' : 'autorisation',
    }));
  }
}
