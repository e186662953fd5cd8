import { Injectable } from '@nestjs/common';
import { SQL, sql } from 'drizzle-orm';
import { formatYearMonth, monthIndex, parisMonthBounds, PARIS, shiftMonth, YearMonth } from '../common/paris-time';
import { AppConfig } from '../config/app-config';
import { Databases, queryRows } from '../database/database';
import { LABELS } from '../dossier-source/dossier';
import { DossierStatisticsRepository, GroupDecisions, MonthDecisions } from './dossier-statistics.repository';
import { LONG_APT_MIN_DAYS } from './monthly-report.rules';
import { CategoryKey, CategoryStats, NOT_PROVIDED } from './monthly-report.types';

/**
 * Months per query. Each query is one sequential scan of `dossier_record` (the real aggregator has no index), and
 * its result holds every dossier link of those months: a year keeps both the number of scans and memory small.
 */
const MONTHS_PER_QUERY = 12;

const DECIDED_STATES = sql`('closed', 'refused', 'without_continuation')`;
const STATE = sql`COALESCE(d.state, d.metadata->>'state', d.ds_data->>'state')`;

/**
 * A text holding an ISO-8601 instant as a timestamptz, NULL when malformed. PostgreSQL has no "try cast" before
 * version 16, and one bad value must not fail the whole query: jsonpath's datetime() in silent mode returns nothing
 * instead of failing (it does not know the `Z` suffix, hence the rewrite).
 */
function safeInstant(text: SQL): SQL {
  return sql`(jsonb_path_query_first(to_jsonb(regexp_replace(${text}, 'Z$', '+00:00')), '$.datetime()', '{}', true)
    #>> '{}')::timestamptz`;
}

/** A JSON number of milliseconds since the epoch (the aggregator's metadata timestamps), NULL unless plausible. */
function fromMillis(json: SQL): SQL {
  return sql`CASE WHEN jsonb_typeof(${json}) = 'number' AND (${json})::text::numeric BETWEEN 1 AND 1e13
    THEN to_timestamp((${json})::text::numeric / 1000) END`;
}

/**
 * The decision instant: the column, unless NULL (rows older than it) or the 1970-01-01 placeholder the aggregator
 * writes for undecided dossiers and did not refresh before September 2020 (decision-date-placeholder-ignored).
 */
const PROCESSED = sql`CASE
  WHEN d.processed_at > 'epoch'::timestamptz THEN d.processed_at
  ELSE COALESCE(${fromMillis(sql`d.metadata->'processed_at'`)}, ${safeInstant(sql`d.ds_data->>'processed_at'`)})
END`;

const INITIATED = sql`COALESCE(${fromMillis(sql`d.metadata->'initiated_at'`)}, ${safeInstant(sql`d.ds_data->>'initiated_at'`)})`;

// Champs are read with jsonpath functions rather than subqueries, so that parallel workers can evaluate them
// (jsonpath's datetime() needs PostgreSQL 13 or later on the aggregator).
const FIRST_CHAMP = '$[*] ? (@.type_de_champ.libelle == $label).value';

/** Text value of the first champ of `array` labelled exactly `label` (DS labels are matched to the character). */
function champValue(array: SQL, label: string): SQL {
  return sql`(jsonb_path_query_first(${array}, ${FIRST_CHAMP}, ${JSON.stringify({ label })}::jsonb, true) #>> '{}')`;
}

/**
 * Value of the first champ labelled `label` as a DATE: NULL when absent, empty, or not a real `YYYY-MM-DD` day
 * (2021-02-30), the silent datetime() answering nothing rather than failing the query.
 */
function champDay(array: SQL, label: string): SQL {
  return sql`(jsonb_path_query_first(${array}, ${`${FIRST_CHAMP}.datetime("YYYY-MM-DD")`}, ${JSON.stringify({ label })}::jsonb,
    true) #>> '{}')::date`;
}

interface Row {
  ym: string;
  group_id: string | null;
  group_type: string | null;
  group_label: string | null;
  category: CategoryKey | 'ungrouped';
  n: number;
  median: number | null;
  p90: number | null;
  countries: Array<[string, number]> | null;
  links: string[] | null;
  /** Refused and sans-suite only: [dossier number, Paris decision day, nationality], in the order of `links`. */
  details: Array<[string, string, string]> | null;
}

@Injectable()
export class PgDossierStatisticsRepository extends DossierStatisticsRepository {
  constructor(
    private readonly databases: Databases,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async *decisionsByMonth(from: YearMonth, to: YearMonth): AsyncGenerator<MonthDecisions> {
    for (
      let chunkStart = from;
      monthIndex(chunkStart) <= monthIndex(to);
      chunkStart = shiftMonth(chunkStart, MONTHS_PER_QUERY)
    ) {
      const last = shiftMonth(chunkStart, MONTHS_PER_QUERY - 1);
      const chunkEnd = monthIndex(last) <= monthIndex(to) ? last : to;
      const byMonth = groupRows(await this.query(chunkStart, chunkEnd));
      for (let month = chunkStart; monthIndex(month) <= monthIndex(chunkEnd); month = shiftMonth(month, 1)) {
        yield byMonth.get(formatYearMonth(month)) ?? { month, groups: [], ungrouped: 0 };
      }
    }
  }

  /**
   * One scan: each dossier decided in the months is reduced once to a few short columns (parallel workers can do it),
   * kept by the MATERIALIZED CTE, then counted per category and per nationality.
   */
  private query(from: YearMonth, to: YearMonth): Promise<Row[]> {
    const start = parisMonthBounds(from).start.toISOString();
    const end = parisMonthBounds(to).end.toISOString();
    const base = `${this.config.dsBaseUrl}/procedures/`;
    return queryRows<Row>(
      this.databases.aggregator,
      sql`
      WITH classified AS MATERIALIZED (
        SELECT ds_key, processed, NULLIF(group_id, '') AS group_id, group_type, group_label,
               to_char(processed AT TIME ZONE ${PARIS}, 'YYYY-MM') AS ym,
               COALESCE(NULLIF(btrim(${champValue(sql`data->'champs'`, LABELS.nationalite)}), ''), ${NOT_PROVIDED})
                 AS nationality,
               CASE state
                 WHEN 'refused' THEN 'refused'
                 WHEN 'without_continuation' THEN 'withoutContinuation'
                 -- Inclusive span in calendar days (DATE arithmetic: no DST hour can shorten an APT, decision
                 -- paris-calendar-day-arithmetic). Buckets: 0 for an end before the start, 1 for a short APT, 2 for
                 -- LONG_APT_MIN_DAYS and more, NULL for a missing date.
                 ELSE CASE width_bucket(
                   ${champDay(sql`data->'champs_private'`, LABELS.dateFinApt)}
                     - ${champDay(sql`data->'champs_private'`, LABELS.dateDebutApt)} + 1,
                   ARRAY[1, ${LONG_APT_MIN_DAYS}::int])
                   WHEN 1 THEN 'less3Months'
                   WHEN 2 THEN 'more3Months'
                   ELSE 'unknownDuration'
                 END
               END AS category,
               -- Paris calendar days; negative (a dépôt after the décision) is bad data, left out of the percentiles.
               (processed AT TIME ZONE ${PARIS})::date - (initiated AT TIME ZONE ${PARIS})::date AS days
          FROM (
            SELECT d.ds_key,
                   ${STATE} AS state,
                   ${PROCESSED} AS processed,
                   ${INITIATED} AS initiated,
                   d.metadata->'group'->>'id' AS group_id,
                   CASE WHEN d.metadata->'group'->>'type' = 'introduction' THEN 'introduction' ELSE 'autorisation' END
                     AS group_type,
                   d.metadata->'group'->>'label' AS group_label,
                   -- ds_data is large and stored compressed out of line: each use would fetch and inflate it again.
                   -- Inflated once here; a set-returning function keeps PostgreSQL from inlining it into each use.
                   unnest(ARRAY[d.ds_data #> '{}']) AS data
              FROM dossier_record d
             WHERE ${STATE} IN ${DECIDED_STATES}
               AND ${PROCESSED} >= ${start}::timestamptz AND ${PROCESSED} < ${end}::timestamptz
          ) s
      ),
      per_category AS (
        SELECT ym, group_id, group_type, category,
               max(group_label) AS group_label,
               count(*)::int AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE days >= 0) AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY days) FILTER (WHERE days >= 0) AS p90,
               json_agg(${base} || split_part(ds_key, '-', 1) || '/dossiers/' || split_part(ds_key, '-', 2)
                         ORDER BY processed, ds_key) AS links,
               CASE WHEN category IN ('refused', 'withoutContinuation') THEN
                 json_agg(json_build_array(split_part(ds_key, '-', 2),
                                           to_char(processed AT TIME ZONE ${PARIS}, 'YYYY-MM-DD'), nationality)
                          ORDER BY processed, ds_key)
               END AS details
          FROM classified WHERE group_id IS NOT NULL
         GROUP BY ym, group_id, group_type, category
      ),
      per_country AS (
        SELECT ym, group_id, group_type, category,
               json_agg(json_build_array(nationality, n) ORDER BY n DESC, nationality COLLATE "C") AS countries
          FROM (SELECT ym, group_id, group_type, category, nationality, count(*)::int AS n
                  FROM classified WHERE group_id IS NOT NULL
                 GROUP BY ym, group_id, group_type, category, nationality) c
         GROUP BY ym, group_id, group_type, category
      )
      SELECT c.ym, c.group_id, c.group_type, c.group_label, c.category, c.n, c.median, c.p90, k.countries, c.links,
             c.details
        FROM per_category c
        JOIN per_country k USING (ym, group_id, group_type, category)
      UNION ALL
      SELECT ym, NULL, NULL, NULL, 'ungrouped', count(*)::int, NULL, NULL, NULL, NULL, NULL
        FROM classified WHERE group_id IS NULL GROUP BY ym`,
    );
  }
}

function groupRows(rows: Row[]): Map<string, MonthDecisions> {
  const months = new Map<string, MonthDecisions>();
  const groups = new Map<string, GroupDecisions>();
  for (const row of rows) {
    let month = months.get(row.ym);
    if (!month) {
      const [year, m] = row.ym.split('-').map(Number);
      month = { month: { year, month: m }, groups: [], ungrouped: 0 };
      months.set(row.ym, month);
    }
    if (row.category === 'ungrouped' || row.group_id === null) {
      month.ungrouped += row.n;
      continue;
    }
    const type = row.group_type === 'introduction' ? 'introduction' : 'autorisation';
    const key = `${row.ym}/${row.group_id}/${type}`;
    let group = groups.get(key);
    if (!group) {
      group = { group: { id: row.group_id, label: row.group_label ?? row.group_id, type }, categories: {} };
      groups.set(key, group);
      month.groups.push(group);
    }
    group.categories[row.category] = toStats(row);
  }
  return months;
}

function toStats(row: Row): CategoryStats {
  const dossiers = row.links ?? [];
  const stats: CategoryStats = {
    count: row.n,
    countries: Object.fromEntries(row.countries ?? []),
    dossiers,
    processingDays: { median: toNumber(row.median), p90: toNumber(row.p90) },
  };
  if (row.details) {
    stats.decided = row.details.map(([number, decidedOn, nationality], index) => ({
      number: /^\d{1,15}$/.test(number) ? Number(number) : null,
      decidedOn,
      nationality,
      url: dossiers[index],
    }));
  }
  return stats;
}

/** percentile_cont answers double precision, which node-postgres already parses; PGlite may hand a string. */
function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
