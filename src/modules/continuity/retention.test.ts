/** The retention policy, on worked examples (UTC days, ISO weeks, months). */
import { describe, expect, it } from 'vitest';
import { archivesToKeep } from './retention.js';

const archive = (iso: string) => ({ name: iso, at: new Date(iso) });

describe('archivesToKeep', () => {
  it.each([
    {
      case: 'two a day: only the newest of each of the last 3 days',
      archives: [
        '2026-12-01T02:30:00Z',
        '2026-12-01T14:00:00Z',
        '2026-12-02T02:30:00Z',
        '2026-11-30T02:30:00Z',
        '2026-11-29T02:30:00Z',
      ],
      retention: { daily: 3, weekly: 0, monthly: 0 },
      kept: ['2026-12-02T02:30:00Z', '2026-12-01T14:00:00Z', '2026-11-30T02:30:00Z'],
    },
    {
      case: 'weekly: the newest of each ISO week (Sunday 29 Nov ends week 48, Monday 30 starts 49)',
      archives: [
        '2026-11-22T02:30:00Z',
        '2026-11-23T02:30:00Z',
        '2026-11-29T02:30:00Z',
        '2026-11-30T02:30:00Z',
        '2026-12-02T02:30:00Z',
      ],
      retention: { daily: 1, weekly: 2, monthly: 0 },
      kept: ['2026-12-02T02:30:00Z', '2026-11-29T02:30:00Z'],
    },
    {
      case: 'monthly: the newest of each of the last 2 months; daily 1 keeps the newest',
      archives: [
        '2026-10-01T02:30:00Z',
        '2026-10-31T02:30:00Z',
        '2026-11-15T02:30:00Z',
        '2026-11-30T02:30:00Z',
        '2026-12-01T02:30:00Z',
      ],
      retention: { daily: 1, weekly: 0, monthly: 2 },
      kept: ['2026-12-01T02:30:00Z', '2026-11-30T02:30:00Z'],
    },
    {
      case: 'nothing asked: the newest archive is still kept',
      archives: ['2026-12-01T02:30:00Z', '2026-12-02T02:30:00Z'],
      retention: { daily: 0, weekly: 0, monthly: 0 },
      kept: ['2026-12-02T02:30:00Z'],
    },
    {
      case: 'year boundary: Thursday 31 Dec 2026 is in ISO week 53, Monday 4 Jan 2027 in week 1',
      archives: ['2026-12-31T02:30:00Z', '2027-01-01T02:30:00Z', '2027-01-04T02:30:00Z'],
      retention: { daily: 0, weekly: 2, monthly: 0 },
      kept: ['2027-01-04T02:30:00Z', '2027-01-01T02:30:00Z'],
    },
  ])('$case', ({ archives, retention, kept }) => {
    expect([...archivesToKeep(archives.map(archive), retention)].sort()).toEqual([...kept].sort());
  });
});
