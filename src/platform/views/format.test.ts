import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, que } from './format.js';

describe('formatDate', () => {
  it.each([
    ['2026-11-28T12:00:00Z', '28 novembre 2026'],
    ['2026-08-01T10:00:00Z', '1er août 2026'],
    // 23:30 UTC on 31 December is already 1 January in Paris.
    ['2026-12-31T23:30:00Z', '1er janvier 2027'],
    // Summer time: 22:30 UTC is 00:30 the next day in Paris.
    ['2026-07-13T22:30:00Z', '14 juillet 2026'],
  ])('%s → %s', (iso, expected) => {
    expect(formatDate(new Date(iso))).toBe(expected);
  });

  it('accepts an ISO string or a timestamp', () => {
    expect(formatDate('2026-11-28T12:00:00Z')).toBe('28 novembre 2026');
    expect(formatDate(Date.UTC(2026, 10, 28, 12))).toBe('28 novembre 2026');
  });

  it('rejects an invalid date', () => {
    expect(() => formatDate('pas une date')).toThrow(RangeError);
  });
});

describe('formatDateTime', () => {
  it.each([
    ['2026-11-28T13:05:00Z', '28 novembre 2026 à 14\u00a0h\u00a005'],
    ['2026-07-14T07:00:00Z', '14 juillet 2026 à 9\u00a0h\u00a000'],
    ['2026-03-01T23:00:00Z', '2 mars 2026 à 0\u00a0h\u00a000'],
  ])('%s → %s', (iso, expected) => {
    expect(formatDateTime(new Date(iso))).toBe(expected);
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [1234567, '1\u202f234\u202f567'],
    [-12.5, '-12,5'],
    [0.25, '0,25'],
  ])('%d → %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it('passes options through (currency)', () => {
    expect(formatNumber(1500, { style: 'currency', currency: 'EUR' })).toBe('1\u202f500,00\u00a0€');
  });
});

describe('que', () => {
  it.each([
    ['agent', 'qu’agent'],
    ['élu', 'qu’élu'],
    ['administrateur de la commune', 'qu’administrateur de la commune'],
    ['maire', 'que maire'],
    ['DGS', 'que DGS'],
  ])('%s → %s', (word, expected) => {
    expect(que(word)).toBe(expected);
  });
});
