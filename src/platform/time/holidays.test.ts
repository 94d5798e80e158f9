/**
 * French public holidays over several years, against the official calendars (service-public.fr):
 * Easter-based dates move, fixed ones do not, Alsace-Moselle adds two.
 */
import { describe, expect, it } from 'vitest';
import { isoWeekday, parisInstant, parisWallClock } from './calendar.js';
import { easterSunday, publicHolidayOn, publicHolidays } from './holidays.js';

describe('Easter Sunday', () => {
  it.each([
    [2008, '2008-03-23'], // early Easter
    [2011, '2011-04-24'], // late Easter
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'], // the latest possible date
    [2285, '2285-03-22'], // the earliest possible date
  ])('in %i is %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
    expect(isoWeekday(date)).toBe(7);
  });
});

describe('public holidays', () => {
  it.each([
    [
      2024,
      [
        '2024-01-01',
        '2024-04-01',
        '2024-05-01',
        '2024-05-08',
        '2024-05-09',
        '2024-05-20',
        '2024-07-14',
        '2024-08-15',
        '2024-11-01',
        '2024-11-11',
        '2024-12-25',
      ],
    ],
    [
      2025,
      [
        '2025-01-01',
        '2025-04-21',
        '2025-05-01',
        '2025-05-08',
        '2025-05-29',
        '2025-06-09',
        '2025-07-14',
        '2025-08-15',
        '2025-11-01',
        '2025-11-11',
        '2025-12-25',
      ],
    ],
    [
      2026,
      [
        '2026-01-01',
        '2026-04-06',
        '2026-05-01',
        '2026-05-08',
        '2026-05-14',
        '2026-05-25',
        '2026-07-14',
        '2026-08-15',
        '2026-11-01',
        '2026-11-11',
        '2026-12-25',
      ],
    ],
    [
      2027,
      [
        '2027-01-01',
        '2027-03-29',
        '2027-05-01',
        '2027-05-06',
        '2027-05-08',
        '2027-05-17',
        '2027-07-14',
        '2027-08-15',
        '2027-11-01',
        '2027-11-11',
        '2027-12-25',
      ],
    ],
  ])('of %i are the eleven of the Code du travail', (year, dates) => {
    expect(publicHolidays(year).map((h) => h.date)).toEqual(dates);
  });

  it('names them, and adds Good Friday and 26 December in Alsace-Moselle only', () => {
    expect(publicHolidayOn('2026-05-14')?.name).toBe('Ascension');
    expect(publicHolidayOn('2026-04-03')).toBeUndefined();
    expect(publicHolidayOn('2026-04-03', { alsaceMoselle: true })?.name).toBe('Vendredi saint');
    expect(publicHolidayOn('2026-12-26', { alsaceMoselle: true })?.name).toBe('Saint-Étienne');
    expect(publicHolidays(2026, { alsaceMoselle: true })).toHaveLength(13);
    // The day before and after a holiday are ordinary days.
    expect(publicHolidayOn('2026-07-13')).toBeUndefined();
    expect(publicHolidayOn('2026-07-15')).toBeUndefined();
  });
});

describe('Paris wall clock', () => {
  it.each([
    ['2026-01-05', 9 * 60, '2026-01-05T08:00:00.000Z'], // winter: UTC+1
    ['2026-07-01', 9 * 60, '2026-07-01T07:00:00.000Z'], // summer: UTC+2
    ['2026-03-29', 90, '2026-03-29T00:30:00.000Z'], // just before the spring change
    ['2026-03-29', 120, null], // 02:00 does not exist
    ['2026-03-29', 179, null],
    ['2026-03-29', 180, '2026-03-29T01:00:00.000Z'],
    ['2026-10-25', 150, '2026-10-25T01:30:00.000Z'], // shown twice: the winter one
    ['2026-10-25', 180, '2026-10-25T02:00:00.000Z'],
  ])('%s at minute %i is %s', (date, minute, iso) => {
    const instant = parisInstant(date, minute);
    expect(instant?.toISOString() ?? null).toBe(iso);
    if (instant) expect(parisWallClock(instant)).toEqual({ date, minute });
  });
});
