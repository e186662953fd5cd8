/**
 * Durations in milliseconds, and the UTC calendar days and ISO instants written into the rows. Calendar days are
 * `YYYY-MM-DD` strings, as in `common/paris-time`.
 */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// Formatting dates is most of the generator's work. paris-time has no UTC day or ISO string of an instant, and its
// addCalendarDays and addCalendarMonths parse and format on every call: about 0.5 µs more a call, 800,000 calls and
// 0.4 s more for 100,000 rows. Hence these copies, whose caches stay small (one entry per calendar day used).
const DAY_STRINGS = new Map<number, string>();
const DAY_STARTS = new Map<string, number>();
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  const epochDay = Math.floor(ms / DAY);
  let day = DAY_STRINGS.get(epochDay);
  if (day === undefined) {
    day = new Date(epochDay * DAY).toISOString().slice(0, 10);
    DAY_STRINGS.set(epochDay, day);
  }
  return day;
}

/** Same as `new Date(ms).toISOString()`, for instants with whole milliseconds. */
export function iso(ms: number): string {
  const t = ms - Math.floor(ms / DAY) * DAY;
  const h = Math.floor(t / HOUR);
  const m = Math.floor((t % HOUR) / MINUTE);
  const sec = Math.floor((t % MINUTE) / SECOND);
  return `${dayOf(ms)}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[t % SECOND]}Z`;
}

function dayStart(day: string): number {
  let ms = DAY_STARTS.get(day);
  if (ms === undefined) {
    ms = Date.parse(`${day}T00:00:00.000Z`);
    DAY_STARTS.set(day, ms);
  }
  return ms;
}

/** Same as paris-time `addCalendarDays`. */
export function addDays(day: string, days: number): string {
  return dayOf(dayStart(day) + days * DAY);
}

/** Same as paris-time `addCalendarMonths` (for years after 99): the 31st becomes the last day of a shorter month, as date-fns does. */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = Number(day.slice(8, 10));
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return dayOf(Date.UTC(y, m, Math.min(d, lastDay)));
}
