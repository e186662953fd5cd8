import { SQL, getTableColumns, sql } from 'drizzle-orm';
import { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * Raw SQL tied to the Drizzle tables: the hot statements are hand-written (the query builder's row mapping cost
 * several times the query on large reads), but their column names, lists and types come from schema.ts, so that a
 * column renamed or resized there changes every statement and every row type with it.
 */

type Columns<T extends PgTable> = T['_']['columns'];
type Instantly<D, I> = D extends Date ? I : D;

/**
 * A row under its SQL column names, as a raw query returns it and as a Kinto record stores it; instants are `I`
 * (a Date or ISO text from the drivers, epoch ms on Kinto).
 */
export type TableRow<T extends PgTable, I = Date> = {
  [K in keyof Columns<T> as Columns<T>[K]['_']['name']]: Columns<T>[K]['_']['notNull'] extends true
    ? Instantly<Columns<T>[K]['_']['data'], I>
    : Instantly<Columns<T>[K]['_']['data'], I> | null;
};

/** A column of the table, by its SQL name. */
export function column<T extends PgTable>(table: T, name: keyof TableRow<T> & string): PgColumn {
  const found = Object.values(getTableColumns(table)).find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found as PgColumn;
}

/** Every SQL column name of the table, in schema order. */
export function columnNames<T extends PgTable>(table: T): Array<keyof TableRow<T> & string> {
  return Object.values(getTableColumns(table)).map((c) => c.name) as Array<keyof TableRow<T> & string>;
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * `a, b, c` (or `p.a, p.b, p.c` with a prefix): a column list for SELECT, INSERT or a row comparison. `casts` reads
 * some columns as another type under their own name (e.g. `date` as text, which the drivers give back differently).
 */
export function columnList<T extends PgTable>(
  table: T,
  names: ReadonlyArray<keyof TableRow<T> & string> = columnNames(table),
  prefix = '',
  casts: Partial<Record<keyof TableRow<T> & string, string>> = {},
): SQL {
  for (const name of names) column(table, name);
  const cast = casts as Record<string, string | undefined>;
  return sql.raw(
    names
      .map((n) => (cast[n] ? `${prefix}${quoted(n)}::${cast[n]} AS ${quoted(n)}` : `${prefix}${quoted(n)}`))
      .join(', '),
  );
}

/** A query builder selection of these columns under their SQL names, so that its rows are `TableRow`s too. */
export function selectionOf<T extends PgTable, K extends keyof TableRow<T> & string>(
  table: T,
  names: readonly K[],
): Record<K, PgColumn> {
  return Object.fromEntries(names.map((n) => [n, column(table, n)])) as Record<K, PgColumn>;
}

/** `a = excluded.a, …`: the SET list of an upsert that takes these columns from the proposed row. */
export function excludedSet<T extends PgTable>(table: T, names: ReadonlyArray<keyof TableRow<T> & string>): SQL {
  for (const name of names) column(table, name);
  return sql.raw(names.map((n) => `${quoted(n)} = excluded.${quoted(n)}`).join(', '));
}

/**
 * `x(a varchar(255), b jsonb, …)`: the column definition list of `jsonb_to_recordset`, with each column's SQL type
 * from the schema, so that a batch passed as one JSON parameter is read with the table's own types and lengths.
 */
export function recordsetOf<T extends PgTable>(
  table: T,
  alias: string,
  names: ReadonlyArray<keyof TableRow<T> & string>,
): SQL {
  const definitions = names.map((n) => `${quoted(n)} ${column(table, n).getSQLType()}`);
  return sql.raw(`${alias}(${definitions.join(', ')})`);
}

/** The declared length of a varchar column: the limit the rules check before a value reaches the table. */
export function maxLength(col: PgColumn): number {
  const length = (col as unknown as { length?: number }).length;
  if (typeof length !== 'number') throw new Error(`column ${col.name} has no length`);
  return length;
}

/** Instants from the drivers: node-postgres gives Dates, text may come from other drivers or from JSON. */
export function toDate(value: Date | string | number): Date;
export function toDate(value: Date | string | number | null): Date | null;
export function toDate(value: Date | string | number | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}

/** jsonb arrives parsed from node-postgres and PGlite, as text from some drivers. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Why a row would not fit the table's varchar columns (PostgreSQL counts characters, i.e. code points), or null
 * when every text value fits. Rules check this before writing, so that an over-long value typed into a dossier is a
 * skipped dossier with a clear reason rather than a failed batch.
 */
export function overLongColumn<T extends PgTable>(
  table: T,
  row: Partial<Record<keyof TableRow<T> & string, unknown>>,
): string | null {
  for (const col of Object.values(getTableColumns(table)) as PgColumn[]) {
    const value = (row as Record<string, unknown>)[col.name];
    const limit = (col as unknown as { length?: number }).length;
    if (typeof value !== 'string' || typeof limit !== 'number' || value.length <= limit) continue;
    if ([...value].length > limit) return `${col.name} longer than ${limit} characters`;
  }
  return null;
}
