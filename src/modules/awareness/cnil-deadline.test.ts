/**
 * The CNIL notification deadline of a personal-data breach: 72 elapsed hours after the commune
 * became aware (RGPD art. 33(1); EDPB guidelines 9/2022), shown on the Paris clock — which moves
 * on the last Sundays of March and October at 01:00 UTC (directive 2000/84/CE, art. 2 and 3).
 */
import { describe, expect, it } from 'vitest';
import {
  cnilCountdown,
  cnilNotificationDeadline,
  formatCountdown,
  parisStamp,
  parisTypedInstant,
} from './cnil-deadline.js';

describe('CNIL notification deadline (RGPD art. 33(1): 72 hours after becoming aware)', () => {
  it.each([
    // [aware at (Paris), deadline (Paris), why]
    ['2026-06-10', '14:30', '2026-06-13 14:30', 'summer time throughout: three days, same clock time'],
    ['2026-12-30', '23:15', '2027-01-02 23:15', 'winter time, across the new year'],
    // Spring change on Sunday 29 March 2026 (02:00 → 03:00): the clock shows 73 hours later.
    ['2026-03-27', '10:00', '2026-03-30 11:00', 'across the spring change: one hour later on the clock'],
    ['2026-03-29', '01:59', '2026-04-01 02:59', 'aware one minute before the change'],
    ['2026-03-29', '03:00', '2026-04-01 03:00', 'aware just after the change: summer time throughout'],
    // Autumn change on Sunday 25 October 2026 (03:00 → 02:00): the clock shows 71 hours later.
    ['2026-10-23', '10:00', '2026-10-26 09:00', 'across the autumn change: one hour earlier on the clock'],
    ['2026-10-25', '03:00', '2026-10-28 03:00', 'aware after the change: winter time throughout'],
    ['2026-10-22', '02:30', '2026-10-25 02:30', 'deadline in the repeated hour: its second occurrence is 72 h'],
  ])('aware %s %s → deadline %s (%s)', (date, time, deadline, _why) => {
    const aware = parisTypedInstant(date, time)!;
    expect(aware).not.toBeNull();
    const due = cnilNotificationDeadline(aware);
    expect(due.getTime() - aware.getTime()).toBe(72 * 3_600_000);
    expect(parisStamp(due)).toBe(deadline);
  });

  it.each([
    ['2026-03-29', '02:30', null, 'skipped by the spring change'],
    ['2026-03-29', '02:00', null, 'skipped by the spring change'],
    ['2026-10-25', '02:30', '2026-10-25T01:30:00.000Z', 'shown twice: the later, winter-time one'],
    ['2026-06-10', '24:00', null, 'no such time'],
    ['2026-06-10', '9h05', '2026-06-10T07:05:00.000Z', 'written the French way'],
    ['2026-06-10', 'midi', null, 'not a time'],
  ])('a typed time %s %s is %s (%s)', (date, time, iso, _why) => {
    expect(parisTypedInstant(date, time)?.toISOString() ?? null).toBe(iso);
  });

  it.each([
    [0, 72 * 60, false, 'il reste 3 j 0 h'],
    [71, 60, false, 'il reste 1 h'],
    [71.5, 30, false, 'il reste 30 min'],
    [72, 0, false, 'il reste 0 min'],
    [73, -60, true, 'dépassé de 1 h'],
    [100, -28 * 60, true, 'dépassé de 1 j 4 h'],
  ])('%s h after becoming aware: %s minutes left, overdue %s, « %s »', (hours, minutes, overdue, text) => {
    const aware = new Date('2026-03-27T09:00:00Z');
    const c = cnilCountdown(aware, new Date(aware.getTime() + hours * 3_600_000));
    expect(c.minutesLeft).toBe(minutes);
    expect(c.overdue).toBe(overdue);
    expect(formatCountdown(c.minutesLeft)).toBe(text);
  });
});
