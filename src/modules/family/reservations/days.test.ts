import { describe, expect, it } from 'vitest';
import { closedReason, cutoffOf, isChangeable, isoWeekday, monthDays, recurringDays, shiftMonth } from './days.js';

const rules = { weekdays: [1, 2, 4, 5], cutoffDays: 2, cutoffHour: 10 };
const closed = [{ day: '2026-11-02', label: 'Vacances de la Toussaint' }];

describe('the cut-off of a day (J-2 at 10:00, working days, Paris time)', () => {
  it.each([
    // day, cut-off instant (UTC), why
    ['2026-12-10', '2026-12-08T09:00:00.000Z', 'a Thursday: the Tuesday before at 10:00 (winter, UTC+1)'],
    ['2026-12-07', '2026-12-03T09:00:00.000Z', 'a Monday: the weekend is not counted, Thursday 10:00'],
    ['2026-12-08', '2026-12-04T09:00:00.000Z', 'a Tuesday: Friday 10:00'],
    ['2027-03-30', '2027-03-25T09:00:00.000Z', 'the Tuesday after Easter Monday 2027: the holiday is skipped'],
    ['2026-11-12', '2026-11-09T09:00:00.000Z', 'the day after 11 November: Monday 10:00'],
    ['2026-06-04', '2026-06-02T08:00:00.000Z', 'in summer time (UTC+2), 10:00 is 08:00 UTC'],
    ['2026-03-31', '2026-03-27T09:00:00.000Z', 'across the spring change: the cut-off Friday is still winter time'],
    ['2026-03-30', '2026-03-26T09:00:00.000Z', 'the Monday after the spring change: Thursday in winter time'],
    ['2026-10-27', '2026-10-23T08:00:00.000Z', 'across the autumn change: Friday is still summer time'],
  ])('%s → %s (%s)', (day, cutoff) => {
    expect(cutoffOf(day, rules).toISOString()).toBe(cutoff);
  });

  it('takes the day itself with 0 days, at the configured hour', () => {
    expect(cutoffOf('2026-12-10', { cutoffDays: 0, cutoffHour: 8 }).toISOString()).toBe('2026-12-10T07:00:00.000Z');
  });

  it.each([
    ['2026-12-08T08:59:59.999Z', true, 'one millisecond before Tuesday 10:00'],
    ['2026-12-08T09:00:00.000Z', false, 'exactly at the cut-off: too late'],
    ['2026-12-09T12:00:00.000Z', false, 'the day before'],
  ])('Thursday 10 December at %s: changeable %s (%s)', (now, expected) => {
    expect(isChangeable('2026-12-10', new Date(now), rules, closed)).toBe(expected);
  });
});

describe('the days an activity runs', () => {
  it.each<[string, string | null, string]>([
    ['2026-12-09', 'Pas d’accueil ce jour-là', 'a Wednesday, not in the activity’s weekdays'],
    ['2026-12-12', 'Pas d’accueil ce jour-là', 'a Saturday'],
    ['2026-12-25', 'Noël (jour férié)', 'a public holiday on a Friday'],
    ['2027-05-06', 'Ascension (jour férié)', 'Ascension Thursday 2027'],
    ['2026-11-02', 'Vacances de la Toussaint', 'a day the commune closed'],
    ['2026-12-10', null, 'an ordinary Thursday'],
  ])('%s → %s (%s)', (day, reason) => {
    expect(closedReason(day, rules, closed)).toBe(reason);
  });

  it('is never changeable when closed, however early', () => {
    expect(isChangeable('2026-12-25', new Date('2026-01-01T00:00:00Z'), rules, closed)).toBe(false);
  });

  it('knows weekdays and months', () => {
    expect(isoWeekday('2026-12-07')).toBe(1);
    expect(isoWeekday('2026-12-13')).toBe(7);
    expect(monthDays('2027-02')).toHaveLength(28);
    expect(monthDays('2028-02').at(-1)).toBe('2028-02-29');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
  });

  it('books every Monday and Thursday of a period, skipping holidays, closed and past-cut-off days', () => {
    const now = new Date('2026-12-03T10:00:00Z'); // Thursday, after 10:00 Paris: Monday 7 is too late
    expect(recurringDays('2026-12-01', '2026-12-31', [1, 4], now, rules, closed)).toEqual([
      '2026-12-10',
      '2026-12-14',
      '2026-12-17',
      '2026-12-21',
      '2026-12-24',
      '2026-12-28',
      '2026-12-31',
    ]);
    // A Wednesday chosen while the activity does not run on Wednesdays gives nothing.
    expect(recurringDays('2026-12-01', '2026-12-31', [3], now, rules, closed)).toEqual([]);
  });
});
