/** The ANTS pre-application number: format and normalisation, with boundaries. */
import { describe, expect, it } from 'vitest';
import { normaliseAntsNumber } from './ants.js';

describe('ANTS pre-application number', () => {
  it.each([
    ['AB12CD34EF', 'AB12CD34EF'],
    ['ab12cd34ef', 'AB12CD34EF'], // typed in lower case
    ['AB12 CD34 EF', 'AB12CD34EF'], // grouped with spaces
    ['AB12-CD34-EF', 'AB12CD34EF'],
    ['1234567890', '1234567890'],
    ['AB12CD34E', null], // 9 characters
    ['AB12CD34EFG', null], // 11 characters
    ['AB12CD34É1', null], // an accented letter
    ['AB12CD34E_', null],
    ['', null],
  ])('%j → %j', (typed, stored) => {
    expect(normaliseAntsNumber(typed)).toBe(stored);
  });
});
