import { describe, expect, it } from 'vitest';
import { type Bracket, gridProblems, priceFor, type TariffRules } from './pricing.js';

// Champcevinel 2022–23 (domain rules §3.3): 0–622 1,00 €; 623–1 000 3,30 €; 1 001–1 500 3,40 €; 1 501 and more 3,50 €.
const CHAMPCEVINEL: Bracket[] = [
  { fromQf: 0, toQf: 622, priceCents: 100 },
  { fromQf: 623, toQf: 1000, priceCents: 330 },
  { fromQf: 1001, toQf: 1500, priceCents: 340 },
  { fromQf: 1501, toQf: null, priceCents: 350 },
];
const brackets: TariffRules = {
  model: { kind: 'brackets', brackets: CHAMPCEVINEL },
  nonResidentPriceCents: null,
  missingQf: 'highest',
  siblingReductionPercent: 0,
  costPerUserCents: 800,
  oneEuroCanteen: true,
};
// Fay-aux-Loges: 0,36 % of the CAF QF, floor 2,60 €, ceiling 4,50 €.
const effort: TariffRules = {
  model: { kind: 'effort', ratePpm: 3600, floorCents: 260, ceilingCents: 450 },
  nonResidentPriceCents: 520,
  missingQf: 'non-resident',
  siblingReductionPercent: 0,
  costPerUserCents: 800,
  oneEuroCanteen: false,
};
const resident = (qf: number | null, childRank = 1) => ({ qf, resident: true, childRank });

describe('brackets, at every bound', () => {
  it.each([
    [0, 100],
    [525, 100], // E2
    [622, 100],
    [622.9, 100], // a QF with decimals is truncated before comparing
    [623, 330],
    [1000, 330],
    [1001, 340],
    [1047, 340], // E1
    [1500, 340],
    [1501, 350],
    [99_999, 350],
  ])('QF %d pays %i cents', (qf, cents) => {
    expect(priceFor(brackets, resident(qf)).cents).toBe(cents);
  });

  it('explains the bracket', () => {
    expect(priceFor(brackets, resident(1047)).explanation).toBe('QF de 1\u202f001 à 1\u202f500 : 3,40\u00a0€');
    expect(priceFor(brackets, resident(2000)).explanation).toBe('QF à partir de 1\u202f501 : 3,50\u00a0€');
  });
});

describe('effort rate, at the floor and the ceiling', () => {
  it.each([
    [0, 260, 'plancher'],
    [525, 260, 'plancher'], // E2: 1,89 € → floor
    [722, 260, ''], // 2,5992 € → 2,60 €: the floor is reached by rounding (breakpoint 722,22)
    [723, 260, ''], // 2,6028 € → 2,60 €
    [1047, 377, ''], // E1: 3,7692 € → 3,77 €
    [1249, 450, ''], // 4,4964 € → 4,50 €
    [1250, 450, ''], // exactly the ceiling (breakpoint 1 250)
    [1252, 450, 'plafond'], // 4,5072 € → ceiling
    [1400, 450, 'plafond'],
  ])('QF %i pays %i cents %s', (qf, cents, clamp) => {
    const price = priceFor(effort, resident(qf));
    expect(price.cents).toBe(cents);
    if (clamp) expect(price.explanation).toContain(clamp);
    else expect(price.explanation).toMatch(/^0,36\u00a0% du QF : /);
  });
});

describe('residence, unknown QF and siblings', () => {
  it('charges the non-resident price outside the commune, whatever the QF', () => {
    expect(priceFor(effort, { qf: 300, resident: false, childRank: 1 })).toEqual({
      cents: 520,
      explanation: 'Tarif extérieur : 5,20\u00a0€',
    });
    // Without a non-resident price, non-residents pay like residents.
    expect(priceFor(brackets, { qf: 300, resident: false, childRank: 1 }).cents).toBe(100);
  });

  it('charges the highest price, or the non-resident one, when the QF is unknown', () => {
    expect(priceFor(brackets, resident(null)).cents).toBe(350);
    expect(priceFor(effort, resident(null)).cents).toBe(520);
    expect(priceFor({ ...effort, nonResidentPriceCents: null }, resident(null)).cents).toBe(450);
  });

  it.each([
    [1, 340],
    [2, 306], // 3,40 € − 10 %
    [3, 306],
  ])('child rank %i pays %i cents with a 10 %% sibling reduction', (rank, cents) => {
    expect(priceFor({ ...brackets, siblingReductionPercent: 10 }, resident(1047, rank)).cents).toBe(cents);
  });

  it('rounds the reduction half-up to the cent', () => {
    // 3,77 € − 15 % = 3,77 − 0,5655 → 0,57 off → 3,20 €
    expect(priceFor({ ...effort, siblingReductionPercent: 15 }, resident(1047, 2)).cents).toBe(320);
  });

  it('refuses a rank below 1 and a negative QF', () => {
    expect(() => priceFor(brackets, resident(100, 0))).toThrow(RangeError);
    expect(() => priceFor(brackets, resident(-1))).toThrow(RangeError);
  });
});

describe('grids that may not be saved', () => {
  const withBrackets = (list: Bracket[], extra: Partial<TariffRules> = {}): TariffRules => ({
    ...brackets,
    oneEuroCanteen: false,
    model: { kind: 'brackets', brackets: list },
    ...extra,
  });

  it('accepts the Champcevinel and Fay-aux-Loges grids', () => {
    expect(gridProblems(brackets)).toEqual({});
    expect(gridProblems(effort)).toEqual({});
  });

  it.each([
    ['no bracket', [], 'Saisissez au moins une tranche.'],
    [
      'a first bracket not at 0',
      [{ fromQf: 1, toQf: null, priceCents: 100 }],
      'Ligne 1 : la première tranche commence à un QF de 0.',
    ],
    [
      'a gap',
      [
        { fromQf: 0, toQf: 622, priceCents: 100 },
        { fromQf: 624, toQf: null, priceCents: 300 },
      ],
      'Ligne 2 : il manque les QF de 623 à 623 entre cette tranche et la précédente.',
    ],
    [
      'an overlap',
      [
        { fromQf: 0, toQf: 622, priceCents: 100 },
        { fromQf: 600, toQf: null, priceCents: 300 },
      ],
      'Ligne 2 : cette tranche chevauche la précédente (elle doit commencer à 623).',
    ],
    [
      'an open bracket before the last',
      [
        { fromQf: 0, toQf: null, priceCents: 100 },
        { fromQf: 623, toQf: null, priceCents: 300 },
      ],
      'Ligne 1 : seule la dernière tranche peut être sans borne haute.',
    ],
    [
      'a bounded last bracket',
      [{ fromQf: 0, toQf: 5000, priceCents: 100 }],
      'Ligne 1 : la dernière tranche doit aller sans limite (« et plus »).',
    ],
    [
      'inverted bounds',
      [
        { fromQf: 0, toQf: -1, priceCents: 100 },
        { fromQf: 0, toQf: null, priceCents: 300 },
      ],
      'Ligne 1 : la borne haute est inférieure à la borne basse.',
    ],
  ])('refuses %s', (_name, list, message) => {
    expect(gridProblems(withBrackets(list as Bracket[])).brackets).toBe(message);
  });

  it('refuses a price above the cost per user (R531-53), to the cent', () => {
    const list = (top: number) => [
      { fromQf: 0, toQf: 622, priceCents: 100 },
      { fromQf: 623, toQf: null, priceCents: top },
    ];
    expect(gridProblems(withBrackets(list(800)))).toEqual({});
    expect(gridProblems(withBrackets(list(801))).brackets).toBe(
      'Ligne 2 : 8,01\u00a0€ dépasse le coût par usager (8,00\u00a0€) ; le code de l’éducation (R531-53) l’interdit.',
    );
    expect(
      gridProblems({ ...effort, model: { kind: 'effort', ratePpm: 3600, floorCents: 260, ceilingCents: 801 } })
        .ceilingCents,
    ).toMatch(/R531-53/);
    expect(gridProblems({ ...effort, nonResidentPriceCents: 900 }).nonResidentPriceCents).toMatch(/coût par usager/);
  });

  it.each([
    [
      'two brackets only',
      CHAMPCEVINEL.slice(2).map((b, i) => ({ ...b, fromQf: i === 0 ? 0 : b.fromQf })),
      'au moins trois tranches',
    ],
    [
      'no bracket at 1 € or less',
      CHAMPCEVINEL.map((b) => ({ ...b, priceCents: b.priceCents + 100 })),
      'une tranche à 1 € ou moins',
    ],
    [
      'the 1 € bracket beyond QF 1 000',
      [
        { fromQf: 0, toQf: 1001, priceCents: 100 },
        { fromQf: 1002, toQf: 1500, priceCents: 340 },
        { fromQf: 1501, toQf: null, priceCents: 350 },
      ],
      'réservée aux QF jusqu’à 1 000',
    ],
  ])('« cantine à 1 € » refuses %s', (_name, list, message) => {
    expect(gridProblems(withBrackets(list, { oneEuroCanteen: true })).oneEuroCanteen).toContain(message);
  });

  it('accepts the 1 € bracket ending exactly at QF 1 000', () => {
    const list = [
      { fromQf: 0, toQf: 1000, priceCents: 100 },
      { fromQf: 1001, toQf: 1500, priceCents: 340 },
      { fromQf: 1501, toQf: null, priceCents: 350 },
    ];
    expect(gridProblems(withBrackets(list, { oneEuroCanteen: true }))).toEqual({});
  });

  it('refuses a floor above the ceiling and a reduction outside 0–100 %', () => {
    expect(
      gridProblems({ ...effort, model: { kind: 'effort', ratePpm: 3600, floorCents: 500, ceilingCents: 450 } })
        .ceilingCents,
    ).toBe('Le plafond doit être supérieur ou égal au plancher.');
    expect(gridProblems({ ...effort, siblingReductionPercent: 101 }).siblingReductionPercent).toBeDefined();
  });
});
