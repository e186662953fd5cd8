import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/** The group a dossier belongs to, as the aggregator writes it (`metadata.group`, `procedure_config.group`). */
export interface AggregatorGroup {
  id: string;
  label: string;
  type?: 'autorisation' | 'introduction';
}

/** What the aggregator derives from the DS dossier (`dossier_record.metadata`). */
export interface DossierMetadata {
  state: string;
  procedure_id: number;
  group: AggregatorGroup;
  created_at: number;
  initiated_at: number | null;
  updated_at: number | null;
  received_at: number | null;
  processed_at: number | null;
  instructors_history: string[];
}

/**
 * The two ds-aggregator tables, in their exact schema (docs/domain.md#the-aggregator-tables). The back office only
 * reads them from the aggregator's database; they are created here only when the embedded database stands in for it
 * (demo, tests). The indexes are the ones the aggregator should have for the back office's queries; the real
 * aggregator may lack them, and every query still works.
 */
export const dossierRecord = pgTable(
  'dossier_record',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    dsKey: varchar('ds_key', { length: 255 }).notNull().unique('dossier_record_ds_key_unique'),
    dsData: jsonb('ds_data').$type<Record<string, unknown>>().notNull(),
    metadata: jsonb('metadata').$type<DossierMetadata>().notNull(),
    procedureId: integer('procedure_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    lastModified: timestamp('last_modified', { withTimezone: true }),
    state: varchar('state', { length: 255 }),
  },
  (t) => [
    index('dossier_record_state_last_modified_idx').on(t.state, t.lastModified),
    index('dossier_record_last_modified_idx').on(t.lastModified),
    index('dossier_record_processed_at_idx').on(t.processedAt),
  ],
);

export const procedureConfig = pgTable('procedure_config', {
  id: uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  procedures: integer('procedures').array(),
  group: jsonb('group').$type<AggregatorGroup>(),
});
