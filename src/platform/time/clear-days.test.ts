import { describe, expect, it } from 'vitest';
import { clearDaysBetween, latestSendDate, sentInTime } from './clear-days.js';

describe('jours francs', () => {
  it.each([
    // [meeting, clear days, latest send date]
    ['2026-03-28', 3, '2026-03-24'], // 25, 26, 27 are the clear days
    ['2026-08-10', 5, '2026-08-04'], // Monday 10th, ≥ 3 500: Tuesday 4th
    ['2026-03-10', 1, '2026-03-08'], // urgency
    ['2027-01-02', 5, '2026-12-27'], // year boundary
    ['2027-01-02', 3, '2026-12-29'],
    ['2026-03-31', 5, '2026-03-25'], // across the spring DST change (29 March 2026)
    ['2026-10-27', 3, '2026-10-23'], // across the autumn DST change (25 October 2026)
    ['2028-03-01', 3, '2028-02-26'], // leap year: 27, 28, 29 February
  ])('meeting %s with %i clear days: latest sending %s', (meeting, n, latest) => {
    expect(latestSendDate(meeting, n)).toBe(latest);
    expect(clearDaysBetween(latest, meeting)).toBe(n);
    const dayAfter = new Date(`${latest}T12:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    expect(clearDaysBetween(dayAfter.toISOString().slice(0, 10), meeting)).toBe(n - 1);
  });

  it.each([
    // [instant, meeting, N, in time]
    ['2026-03-24T22:59:59Z', '2026-03-28', 3, true], // 23:59:59 Paris (UTC+1) on the 24th
    ['2026-03-24T23:00:00Z', '2026-03-28', 3, false], // 00:00 Paris on the 25th: too late
    ['2026-08-04T21:59:59Z', '2026-08-10', 5, true], // summer time, UTC+2
    ['2026-08-04T22:00:00Z', '2026-08-10', 5, false],
    ['2026-12-27T22:30:00Z', '2027-01-02', 5, true], // 23:30 Paris on 27 December
    ['2026-12-27T23:30:00Z', '2027-01-02', 5, false], // already 28 December in Paris
    ['2026-03-28T22:59:00Z', '2026-04-01', 3, true], // 28 March 23:59 Paris, DST next night
    ['2026-03-08T10:00:00Z', '2026-03-10', 1, true],
    ['2026-03-09T10:00:00Z', '2026-03-10', 1, false],
  ])('sent at %s for %s with %i clear days → %s', (instant, meeting, n, ok) => {
    expect(sentInTime(new Date(instant), meeting, n)).toBe(ok);
  });

  it('refuses a malformed date', () => {
    expect(() => latestSendDate('10/03/2026', 3)).toThrow();
  });
});
