/**
 * French month names, lower case as French writes them mid-sentence. A plain array rather than date-fns' `fr`
 * locale: formatting a Date would drag a time zone into what is only a month number (the original formatted without
 * a locale and printed English names; decision french-month-names).
 */
export const FRENCH_MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

export type FrenchMonth = (typeof FRENCH_MONTHS)[number];

/** Name of a 1-based month (1 = janvier). */
export function frenchMonthName(month: number): FrenchMonth {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`Month must be an integer from 1 to 12, got ${month}`);
  }
  return FRENCH_MONTHS[month - 1];
}

/** `septembre 2020`. */
export function frenchMonthYear(year: number, month: number): string {
  return `${frenchMonthName(month)} ${year}`;
}
