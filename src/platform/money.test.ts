import { describe, expect, it } from 'vitest';
import { divideHalfUp, eurosInputValue, formatEuros, parseEuros } from './money.js';

describe('amounts in euros', () => {
  it.each([
    ['12 500,50', 1_250_050],
    ['12500.5', 1_250_050],
    ['1\u202f200 €', 120_000],
    ['0', 0],
    ['7,05', 705],
    [' 3,4 ', 340],
    ['1 000 000 EUR', 100_000_000],
  ])('« %s » is %i cents', (text, cents) => {
    expect(parseEuros(text)).toBe(cents);
  });

  it.each(['', 'douze', '-5', '1,234', '1.2.3', '12,5e3', '9999999999999'])('« %s » is not an amount', (text) => {
    expect(parseEuros(text)).toBeUndefined();
  });

  it.each([
    [340, '3,40\u00a0€'],
    [1_250_050, '12\u202f500,50\u00a0€'],
    [0, '0,00\u00a0€'],
  ])('%i cents read « %s »', (cents, text) => {
    expect(formatEuros(cents)).toBe(text);
  });

  it.each([
    [340, '3,40'],
    [5, '0,05'],
    [120_000, '1200,00'],
  ])('%i cents are typed back as « %s »', (cents, text) => {
    expect(eurosInputValue(cents)).toBe(text);
    expect(parseEuros(text)).toBe(cents);
  });
});

describe('rounding half-up to the cent', () => {
  it.each([
    [376_920, 1000, 377], // 376.92 → 377
    [259_920, 1000, 260], // 259.92 → 260
    [2_500, 1000, 3], // 2.5 → 3: a half goes up
    [2_499, 1000, 2],
    [-2_500, 1000, -3], // away from zero
    [0, 7, 0],
  ])('%i / %i → %i', (n, d, expected) => {
    expect(divideHalfUp(n, d)).toBe(expected);
  });

  it('refuses non-integers and a zero denominator', () => {
    expect(() => divideHalfUp(1.5, 2)).toThrow(RangeError);
    expect(() => divideHalfUp(1, 0)).toThrow(RangeError);
  });
});
