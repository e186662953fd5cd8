ALTER TABLE "monthly_report" ADD COLUMN "totals" integer[] GENERATED ALWAYS AS (ARRAY[(data->'categories'->'more3Months'->>'count')::int,
                  (data->'categories'->'less3Months'->>'count')::int,
                  (data->'categories'->'unknownDuration'->>'count')::int,
                  (data->'categories'->'refused'->>'count')::int,
                  (data->'categories'->'withoutContinuation'->>'count')::int]) STORED;