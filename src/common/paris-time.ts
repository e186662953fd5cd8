import { TZDate } from '@date-fns/tz';

/**
 * Calendar arithmetic for Work In France. Every day-level rule is about a calendar day in Paris, so days are handled
 * as `YYYY-MM-DD` strings ("calendar days") and computed in UTC, where no day is 23 or 25 hours long (decisions
 * apt-valid-through-last-paris-day and paris-calendar-day-arithmetic). Instants (timestamps) are turned into Paris
 * calendar days once, at the edge.
 */
export const PARIS = 'Europe/Paris';
const DAY_MS = 86_400_000;
const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` string naming a real calendar day (no 2021-02-30, no 2021-13-01). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = CALENDAR_DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function utcMidnight(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

// One cached Intl formatter: about 1 µs a call where date-fns with a time zone takes 20 (workbooks of 100,000 rows).
// en-CA writes dates as YYYY-MM-DD.
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: PARIS,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Paris at this instant. */
export function parisDay(instant: Date): string {
  return PARIS_DAY.format(instant);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to).getTime() - utcMidnight(from).getTime()) / DAY_MS);
}

// Plain UTC arithmetic: date-fns with a time zone costs ~50 µs a call, which the alert rules pay for every dossier.
function utcCalendarDay(date: Date): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

export function addCalendarDays(day: string, days: number): string {
  return utcCalendarDay(new Date(utcMidnight(day).getTime() + days * DAY_MS));
}

/** Adds calendar months; the 31st becomes the last day of a shorter month, as date-fns does. */
export function addCalendarMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month + 1, 0);
  date.setUTCFullYear(year, month, Math.min(d, date.getUTCDate()));
  return utcCalendarDay(date);
}

/** `DD/MM/YYYY`, the format of the mails and workbooks. */
export function frenchDay(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** `DD/MM/YYYY` of the Paris calendar day of an instant. */
export function frenchDate(instant: Date): string {
  return frenchDay(parisDay(instant));
}

/** The instant of midnight in Paris at the start of the given calendar day. */
export function parisMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(new TZDate(y, m - 1, d, PARIS).getTime());
}

/** A calendar month (month 1 to 12). */
export interface YearMonth {
  year: number;
  month: number;
}

/** The instants bounding a month in Paris: `start` inclusive, `end` exclusive. */
export function parisMonthBounds({ year, month }: YearMonth): { start: Date; end: Date } {
  const next = shiftMonth({ year, month }, 1);
  return {
    start: new Date(new TZDate(year, month - 1, 1, PARIS).getTime()),
    end: new Date(new TZDate(next.year, next.month - 1, 1, PARIS).getTime()),
  };
}

export function shiftMonth({ year, month }: YearMonth, delta: number): YearMonth {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The month in Paris at this instant. */
export function parisMonth(instant: Date): YearMonth {
  const day = parisDay(instant);
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)) };
}

/** `YYYY-MM`. */
export function formatYearMonth({ year, month }: YearMonth): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Position of a month on a single axis, to compare months and count them. */
export function monthIndex({ year, month }: YearMonth): number {
  return year * 12 + month - 1;
}

/** The months from `from` to `to` inclusive; none when `from` is later. */
export function monthsBetween(from: YearMonth, to: YearMonth): YearMonth[] {
  const months: YearMonth[] = [];
  for (let m = from; monthIndex(m) <= monthIndex(to); m = shiftMonth(m, 1)) months.push(m);
  return months;
}
