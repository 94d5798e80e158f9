/** Periods of Paris calendar dates as instants: midnights in winter and summer time, 23- and 25-hour days. */
import { describe, expect, it } from 'vitest';
import { parisDayRange } from './calendar.js';

describe('parisDayRange', () => {
  it.each([
    ['2026-01-15', '2026-01-15', '2026-01-14T23:00:00.000Z', '2026-01-15T23:00:00.000Z', 24],
    ['2026-07-14', '2026-07-14', '2026-07-13T22:00:00.000Z', '2026-07-14T22:00:00.000Z', 24],
    // Spring change (29 March 2026, 02:00 → 03:00): a 23-hour day.
    ['2026-03-29', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23],
    // Autumn change (25 October 2026, 03:00 → 02:00): a 25-hour day.
    ['2026-10-25', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25],
    // A month across the spring change; a whole year.
    ['2026-03-01', '2026-03-31', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z', 31 * 24 - 1],
    ['2025-01-01', '2025-12-31', '2024-12-31T23:00:00.000Z', '2025-12-31T23:00:00.000Z', 365 * 24],
  ])('%s → %s', (from, to, start, end, hours) => {
    const range = parisDayRange(from, to);
    expect(range.start.toISOString()).toBe(start);
    expect(range.end.toISOString()).toBe(end);
    expect((range.end.getTime() - range.start.getTime()) / 3_600_000).toBe(hours);
  });
});
