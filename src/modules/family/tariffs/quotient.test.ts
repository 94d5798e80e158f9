import { describe, expect, it } from 'vitest';
import { cafHalfParts, computeQuotient, fiscalHalfParts, formatParts } from './quotient.js';

describe('CAF parts', () => {
  it.each([
    // children, of which AEEH, parts
    [0, 0, '2'],
    [1, 0, '2,5'],
    [2, 0, '3'],
    [3, 0, '4'],
    [4, 0, '4,5'],
    [5, 0, '5'],
    [1, 1, '3'],
    [4, 1, '5'],
    [3, 3, '5,5'],
  ])('%i children (%i with the AEEH): %s parts', (children, disabled, parts) => {
    expect(formatParts(cafHalfParts(children, disabled))).toBe(parts);
  });
});

describe('income-tax parts (art. 194 CGI)', () => {
  it.each([
    // couple, children, disabled, parts
    [true, 0, 0, '2'],
    [false, 0, 0, '1'],
    [true, 2, 0, '3'],
    [true, 3, 0, '4'],
    [false, 1, 0, '2'], // 1 + 0.5 + 0.5 (parent isolé)
    [false, 3, 0, '3,5'],
    [true, 1, 1, '3'],
  ])('couple %s, %i children (%i disabled): %s parts', (couple, children, disabled, parts) => {
    expect(formatParts(fiscalHalfParts(couple, children, disabled))).toBe(parts);
  });
});

describe('the CAF quotient familial, on the worked examples of the domain rules', () => {
  it.each([
    // E1: couple, 2 children, 36 000 €/year, 142 €/month → (3 000 + 142) / 3 = 1 047.33 → 1 047
    [
      'E1',
      { couple: true, children: 2, disabledChildren: 0, annualResourcesCents: 3_600_000, monthlyBenefitsCents: 14_200 },
      104_733,
      1047,
    ],
    // E2: single parent, 3 children, 18 000 €/year, 600 €/month → 2 100 / 4 = 525
    [
      'E2',
      {
        couple: false,
        children: 3,
        disabledChildren: 0,
        annualResourcesCents: 1_800_000,
        monthlyBenefitsCents: 60_000,
      },
      52_500,
      525,
    ],
    // E3: couple, 4 children (one AEEH), 48 000 €/year, 700 €/month → 4 700 / 5 = 940
    [
      'E3',
      { couple: true, children: 4, disabledChildren: 1, annualResourcesCents: 4_800_000, monthlyBenefitsCents: 70_000 },
      94_000,
      940,
    ],
    // No resources, no benefits: 0.
    [
      'zero',
      { couple: true, children: 1, disabledChildren: 0, annualResourcesCents: 0, monthlyBenefitsCents: 0 },
      0,
      0,
    ],
    // 999.999… stays 999 (truncated, never rounded up into the next bracket).
    [
      'just under',
      { couple: true, children: 0, disabledChildren: 0, annualResourcesCents: 2_399_999, monthlyBenefitsCents: 0 },
      100_000,
      999,
    ],
  ])('%s', (_name, household, exactCents, value) => {
    const qf = computeQuotient('caf', household);
    expect(qf.exactCents).toBe(exactCents);
    expect(qf.value).toBe(value);
  });

  it('counts benefits in the CAF formula only', () => {
    const household = {
      couple: true,
      children: 2,
      disabledChildren: 0,
      annualResourcesCents: 3_600_000,
      monthlyBenefitsCents: 14_200,
    };
    // Fiscal: 36 000 / 12 / 3 parts = 1 000.
    expect(computeQuotient('fiscal', household)).toMatchObject({ formula: 'fiscal', halfParts: 6, value: 1000 });
  });

  it.each([
    ['a negative resource', { annualResourcesCents: -1 }],
    ['fractional cents', { monthlyBenefitsCents: 0.5 }],
    ['more disabled children than children', { children: 1, disabledChildren: 2 }],
    ['a fractional child', { children: 1.5 }],
  ])('refuses %s', (_name, change) => {
    const household = {
      couple: true,
      children: 2,
      disabledChildren: 0,
      annualResourcesCents: 100,
      monthlyBenefitsCents: 0,
      ...change,
    };
    expect(() => computeQuotient('caf', household)).toThrow(RangeError);
  });
});
