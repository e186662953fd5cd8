import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * The back office's own tables. One schema and one migration history for PostgreSQL and embedded PGlite
 * (`npm run db:generate` writes drizzle/main from this file).
 */

const id = () =>
  uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`);
// Generic in the name, so that row types keyed by column name (table-sql.ts) know each timestamp column.
const tz = <N extends string>(name: N) => timestamp(name, { withTimezone: true, mode: 'date' });

export const validityCheck = pgTable(
  'validity_check',
  {
    id: id(),
    dsKey: varchar('ds_key', { length: 255 }).notNull(),
    // ≤ 15 digits (the API's limit), so it fits a JS number exactly and is answered as a JSON number.
    dossierId: bigint('dossier_id', { mode: 'number' }).notNull(),
    type: varchar('type', { length: 32 }).notNull(),
    siret: varchar('siret', { length: 32 }).notNull(),
    nom: varchar('nom', { length: 255 }).notNull(),
    prenom: varchar('prenom', { length: 255 }).notNull(),
    dateDeNaissance: varchar('date_de_naissance', { length: 10 }).notNull(),
    dateDeDebutApt: varchar('date_de_debut_apt', { length: 10 }).notNull().default(''),
    dateDeFinApt: varchar('date_de_fin_apt', { length: 10 }).notNull().default(''),
    /**
     * Last valid calendar day of an autorisation; null for introductions, which never expire (decision
     * introductions-never-expire).
     */
    finApt: date('fin_apt', { mode: 'string' }),
    champs: jsonb('champs').$type<Array<{ value: string | null; type_de_champ: { libelle: string } }>>().notNull(),
    syncedAt: tz('synced_at').notNull(),
  },
  (t) => [
    uniqueIndex('validity_check_ds_key_unique').on(t.dsKey),
    index('validity_check_lookup_idx').on(t.dossierId, t.dateDeNaissance),
    index('validity_check_fin_apt_idx').on(t.finApt),
  ],
);

export const alert = pgTable(
  'alert',
  {
    id: id(),
    dsKey: varchar('ds_key', { length: 255 }).notNull(),
    alertType: varchar('alert_type', { length: 64 }).notNull(),
    message: varchar('message', { length: 255 }).notNull(),
    url: varchar('url', { length: 512 }).notNull(),
    groupId: varchar('group_id', { length: 32 }).notNull(),
    groupType: varchar('group_type', { length: 32 }).notNull(),
    groupLabel: varchar('group_label', { length: 255 }).notNull(),
    state: varchar('state', { length: 32 }).notNull(),
    instructorsHistory: jsonb('instructors_history').$type<string[]>().notNull(),
    emailUsager: varchar('email_usager', { length: 255 }),
    emailInstructors: jsonb('email_instructors').$type<string[]>().notNull(),
    dateDebutApt: varchar('date_debut_apt', { length: 64 }),
    processedAt: tz('processed_at'),
    detectedAt: tz('detected_at').notNull(),
    /** Set when the condition no longer holds; cleared if it comes back. */
    resolvedAt: tz('resolved_at'),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('alert_ds_key_type_unique').on(t.dsKey, t.alertType),
    index('alert_group_idx').on(t.groupId, t.groupType),
    // The dashboard counts the open alerts by type, nationally and per unit, on every view: the resolved ones, most
    // of the table after a while, stay out of this index.
    index('alert_open_idx')
      .on(t.groupId, t.alertType)
      .where(sql`${t.resolvedAt} IS NULL`),
  ],
);

export type MailState = 'to_send' | 'sent' | 'blocked' | 'failed';

/**
 * Every mail the service sends goes through this table. `dedupe_key` makes a mail exist once per (subject matter,
 * recipient), and outlives the alerts and reports it was made for, so that nothing is ever mailed twice.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    dedupeKey: varchar('dedupe_key', { length: 512 }).notNull(),
    kind: varchar('kind', { length: 32 }).notNull(),
    recipients: jsonb('recipients').$type<{ to: string[]; cc: string[]; bcc: string[] }>().notNull(),
    subject: varchar('subject', { length: 512 }).notNull(),
    text: text('text').notNull(),
    html: text('html'),
    /** What to attach, rebuilt at send time (e.g. monthly report workbooks), so the outbox stays small. */
    attachments: jsonb('attachments').$type<Array<{ resolver: string; params: Record<string, unknown> }>>().notNull(),
    state: varchar('state', { length: 16 }).$type<MailState>().notNull(),
    /** Failed attempts so far. */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tz('next_attempt_at'),
    /** A mail still unsent at this instant is blocked instead (e.g. an alert about a decision now too old). */
    notAfter: tz('not_after'),
    lastError: text('last_error'),
    messageId: varchar('message_id', { length: 512 }),
    createdAt: tz('created_at').notNull(),
    processedAt: tz('processed_at'),
  },
  (t) => [
    uniqueIndex('mail_outbox_dedupe_key_unique').on(t.dedupeKey),
    // Delivery reads the waiting mails oldest first.
    index('mail_outbox_delivery_idx').on(t.state, t.createdAt, t.id),
  ],
);

/** The categories of `monthly_report.totals`, in order. */
export const REPORT_TOTALS_ORDER = [
  'more3Months',
  'less3Months',
  'unknownDuration',
  'refused',
  'withoutContinuation',
] as const;

export const monthlyReport = pgTable(
  'monthly_report',
  {
    id: id(),
    year: integer('year').notNull(),
    /** 1 to 12 (the original stored 0-based months). */
    month: integer('month').notNull(),
    groupId: varchar('group_id', { length: 32 }).notNull(),
    groupType: varchar('group_type', { length: 32 }).notNull(),
    groupLabel: varchar('group_label', { length: 255 }).notNull(),
    data: jsonb('data').notNull(),
    builtAt: tz('built_at').notNull(),
    /**
     * The five category counts (in `REPORT_TOTALS_ORDER`), kept by PostgreSQL beside the report: national totals sum
     * these few bytes instead of reading every unit's whole report (its dossier lists), which made the national pages
     * miss 100 ms. An array, since a generated column needs an immutable expression (jsonb_build_object is not).
     */
    totals: integer('totals')
      .array()
      .generatedAlwaysAs(
        sql`ARRAY[(data->'categories'->'more3Months'->>'count')::int,
                  (data->'categories'->'less3Months'->>'count')::int,
                  (data->'categories'->'unknownDuration'->>'count')::int,
                  (data->'categories'->'refused'->>'count')::int,
                  (data->'categories'->'withoutContinuation'->>'count')::int]`,
      ),
  },
  (t) => [uniqueIndex('monthly_report_period_group_unique').on(t.year, t.month, t.groupId, t.groupType)],
);

/** Watermarks: the start time of each job's last successful run. */
export const synchroHistory = pgTable('synchro_history', {
  scheduler: varchar('scheduler', { length: 64 }).primaryKey(),
  lastSynchro: tz('last_synchro').notNull(),
});

export const jobRun = pgTable(
  'job_run',
  {
    id: id(),
    job: varchar('job', { length: 64 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    trigger: varchar('trigger', { length: 16 }).notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    instance: varchar('instance', { length: 255 }).notNull(),
    startedAt: tz('started_at').notNull(),
    finishedAt: tz('finished_at'),
    since: tz('since'),
    read: integer('read').notNull().default(0),
    written: integer('written').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    skippedKeys: jsonb('skipped_keys').$type<Array<{ dsKey: string; reason: string }>>().notNull(),
    progressDone: integer('progress_done').notNull().default(0),
    progressTotal: integer('progress_total'),
    error: text('error'),
  },
  (t) => [index('job_run_job_started_idx').on(t.job, t.startedAt)],
);

/**
 * Counters of the public check's limits (per client per minute, failed birth dates per dossier number per day),
 * shared by every replica. A row's window starts at its first hit and ends at `expires_at`; a hit after that starts
 * a new window.
 */
export const publicCounter = pgTable(
  'public_counter',
  {
    key: varchar('key', { length: 80 }).primaryKey(),
    count: integer('count').notNull(),
    expiresAt: tz('expires_at').notNull(),
  },
  (t) => [index('public_counter_expires_idx').on(t.expiresAt)],
);

/**
 * Where the import from the DS GraphQL API stands, per démarche (SOURCE=ds-api). DS documents incremental polling as
 * one fixed `updatedSince` and the last non-null page cursor, reused run after run: the cursor then yields only the
 * dossiers modified since. Saved in the transaction that stores the page it follows, so nothing is skipped.
 */
export const dsImportState = pgTable('ds_import_state', {
  procedureNumber: integer('procedure_number').primaryKey(),
  /** The `updatedSince` of the sweep the cursor belongs to; kept until the cursor is dropped (`--all`). */
  updatedSince: tz('updated_since').notNull(),
  /** Opaque DS cursor after the last stored page; null before the first page. */
  endCursor: text('end_cursor'),
  /** Deletions are applied up to this instant (minus a margin at the next run). */
  deletedSince: tz('deleted_since'),
  /** End of the last run that went through every page. */
  completedAt: tz('completed_at'),
});
