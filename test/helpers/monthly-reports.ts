import { CategoryStats, MonthlyReport } from '../../src/monthly-report/monthly-report.types';

/** A unit as large as real ones get: long label, every category, ten nationalities each. */
export function syntheticUnit(index: number): MonthlyReport {
  const countries = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`PAYS NUMÉRO ${i}`, 12 - i]));
  const stats = (count: number): CategoryStats => ({
    count,
    countries,
    dossiers: [],
    processingDays: { median: 12.5, p90: 40 },
  });
  return {
    year: 2020,
    month: 9,
    group: {
      id: String(index + 1).padStart(2, '0'),
      label: `${index + 1} - Unité départementale de test`,
      type: 'autorisation',
    },
    categories: {
      more3Months: stats(40 + index),
      less3Months: stats(10),
      unknownDuration: stats(1),
      refused: stats(3),
      withoutContinuation: stats(2),
    },
    previousCounts: { more3Months: 30, less3Months: 12, unknownDuration: 0, refused: 1, withoutContinuation: 2 },
  };
}
