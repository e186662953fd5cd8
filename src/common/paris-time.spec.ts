import {
  addCalendarDays,
  addCalendarMonths,
  daysBetween,
  frenchDate,
  isCalendarDay,
  parisDay,
  parisMidnight,
  parisMonth,
  parisMonthBounds,
  shiftMonth,
} from './paris-time';

describe('paris-time', () => {
  it('recognises real calendar days only', () => {
    expect(isCalendarDay('2020-02-29')).toBe(true);
    expect(isCalendarDay('2021-02-29')).toBe(false);
    expect(isCalendarDay('2021-13-01')).toBe(false);
    expect(isCalendarDay('2021-1-01')).toBe(false);
    expect(isCalendarDay(' 2021-01-01')).toBe(false);
    expect(isCalendarDay(null)).toBe(false);
  });

  it('takes the day in Paris, not in UTC, around midnight in winter and summer', () => {
    expect(parisDay(new Date('2021-01-31T22:59:59Z'))).toBe('2021-01-31');
    expect(parisDay(new Date('2021-01-31T23:00:00Z'))).toBe('2021-02-01');
    expect(parisDay(new Date('2021-06-30T21:59:59Z'))).toBe('2021-06-30');
    expect(parisDay(new Date('2021-06-30T22:00:00Z'))).toBe('2021-07-01');
  });

  it('counts calendar days with no drift across the DST changes', () => {
    expect(daysBetween('2019-08-03', '2019-11-01')).toBe(90);
    expect(daysBetween('2021-03-27', '2021-03-29')).toBe(2);
    expect(daysBetween('2021-10-30', '2021-11-01')).toBe(2);
    expect(daysBetween('2021-01-02', '2021-01-01')).toBe(-1);
  });

  it('adds days and months like a calendar', () => {
    expect(addCalendarDays('2019-01-01', 330)).toBe('2019-11-27');
    expect(addCalendarMonths('2020-01-01', 12)).toBe('2021-01-01');
    expect(addCalendarMonths('2020-01-31', 1)).toBe('2020-02-29');
  });

  it('formats the Paris day of an instant as DD/MM/YYYY', () => {
    expect(frenchDate(new Date('2020-09-17T22:30:00Z'))).toBe('18/09/2020');
  });

  it('bounds a month at Paris midnights', () => {
    expect(parisMonthBounds({ year: 2020, month: 9 })).toEqual({
      start: new Date('2020-08-31T22:00:00Z'),
      end: new Date('2020-09-30T22:00:00Z'),
    });
    expect(parisMonthBounds({ year: 2020, month: 12 }).end).toEqual(new Date('2020-12-31T23:00:00Z'));
    expect(parisMidnight('2021-03-28')).toEqual(new Date('2021-03-27T23:00:00Z'));
    expect(parisMonth(new Date('2020-08-31T22:30:00Z'))).toEqual({ year: 2020, month: 9 });
    expect(shiftMonth({ year: 2020, month: 1 }, -1)).toEqual({ year: 2019, month: 12 });
    expect(shiftMonth({ year: 2020, month: 12 }, 1)).toEqual({ year: 2021, month: 1 });
  });
});
