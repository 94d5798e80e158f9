/**
 * The Paris clock is computed from a per-hour cache of the time-zone database's offset: it must
 * agree with Intl itself at every instant — random ones over two centuries, and every minute
 * around the clock changes, where a wrong cache would show.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parisDateOf, parisInstant, parisWallClock } from './calendar.js';

const intl = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function intlWall(instant: Date) {
  const p = Object.fromEntries(intl.formatToParts(instant).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute) };
}

describe('the Paris clock', () => {
  it('agrees with the time-zone database at random instants from 1950 to 2150', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }), (ms) => {
        const instant = new Date(ms);
        expect(parisWallClock(instant)).toEqual(intlWall(instant));
        expect(parisDateOf(instant)).toBe(intlWall(instant).date);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['2027-03-28T00:00:00Z', 'spring change 2027'],
    ['2027-10-31T00:00:00Z', 'autumn change 2027'],
    ['2026-12-31T22:00:00Z', 'new year 2027'],
    ['2024-02-28T22:00:00Z', 'leap day 2024'],
  ])('agrees minute by minute around %s (%s)', (start) => {
    for (let i = 0; i < 180; i++) {
      const instant = new Date(new Date(start).getTime() + i * 60_000 + 17_000);
      expect(parisWallClock(instant)).toEqual(intlWall(instant));
    }
  });

  it.each([
    ['2027-03-28', 120, null], // 02:00 does not exist on the spring change
    ['2027-03-28', 179, null],
    ['2027-03-28', 180, '2027-03-28T01:00:00.000Z'],
    ['2027-10-31', 150, '2027-10-31T01:30:00.000Z'], // shown twice: the later, winter time
    ['2027-01-12', 630, '2027-01-12T09:30:00.000Z'],
    ['2027-07-01', 555, '2027-07-01T07:15:00.000Z'],
  ])('%s at minute %i is %s', (date, minute, expected) => {
    expect(parisInstant(date, minute)?.toISOString() ?? null).toBe(expected);
  });

  it('still refuses an invalid date', () => {
    expect(() => parisDateOf(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => parisWallClock(new Date(Number.NaN))).toThrow(RangeError);
  });
});
