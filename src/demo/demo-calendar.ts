/** Durations in milliseconds, and UTC calendar days and ISO instants of the rows, formatted fast. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// Formatting dates is most of the generator's work; these caches and tables make it several times cheaper than
// `toISOString`, and stay small (one entry per calendar day used).
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

export function addDays(day: string, days: number): string {
  return dayOf(dayStart(day) + days * DAY);
}

/** Adds calendar months; the 31st becomes the last day of a shorter month, as date-fns `addMonths` does. */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = Number(day.slice(8, 10));
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return dayOf(Date.UTC(y, m, Math.min(d, lastDay)));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to) - dayStart(from)) / DAY);
}
