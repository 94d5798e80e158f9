import { describe, expect, it } from 'vitest';
import type { TariffRules } from '../tariffs/pricing.js';
import { type ChildActivityMonth, type DayRecord, dayCharge, invoiceOf, monthLines } from './rules.js';

// Champcevinel brackets (domain rules §3.3) with a 10 % sibling reduction.
const canteen: TariffRules = {
  model: {
    kind: 'brackets',
    brackets: [
      { fromQf: 0, toQf: 622, priceCents: 100 },
      { fromQf: 623, toQf: 1000, priceCents: 330 },
      { fromQf: 1001, toQf: 1500, priceCents: 340 },
      { fromQf: 1501, toQf: null, priceCents: 350 },
    ],
  },
  nonResidentPriceCents: 520,
  missingQf: 'highest',
  siblingReductionPercent: 10,
  costPerUserCents: 800,
  oneEuroCanteen: false,
};
// Fay-aux-Loges effort rate: 0,36 % of the QF, 2,60 € to 4,50 €.
const evening: TariffRules = {
  model: { kind: 'effort', ratePpm: 3600, floorCents: 260, ceilingCents: 450 },
  nonResidentPriceCents: null,
  missingQf: 'highest',
  siblingReductionPercent: 0,
  costPerUserCents: 800,
  oneEuroCanteen: false,
};
const strict = { billUnjustifiedAbsence: true, unbookedSurchargePercent: 50 };
const lenient = { billUnjustifiedAbsence: false, unbookedSurchargePercent: 0 };

const d = (day: string, booked: boolean, attendance: DayRecord['attendance'] = null): DayRecord => ({
  day,
  booked,
  attendance,
});

describe('which days are billed', () => {
  it.each([
    [d('2026-12-01', true, 'present'), strict, 'booked'],
    [d('2026-12-01', true, null), strict, 'booked'], // not pointed: the booking is billed
    [d('2026-12-01', true, 'absent_justifie'), strict, null],
    [d('2026-12-01', true, 'absent_non_justifie'), strict, 'unjustified_absence'],
    [d('2026-12-01', true, 'absent_non_justifie'), lenient, null],
    [d('2026-12-01', false, 'present'), strict, 'unbooked_presence'],
    [d('2026-12-01', false, 'absent_non_justifie'), strict, null],
  ])('%o with %o → %s', (record, rules, expected) => {
    expect(dayCharge(record, rules)).toBe(expected);
  });
});

describe('an invoice, worked examples', () => {
  it('E1 household (QF 1 047): 8 meals booked and eaten, 1 justified absence, 1 unjustified → 9 × 3,40 €', () => {
    const days = [
      ...Array.from({ length: 8 }, (_, i) => d(`2026-12-${String(i + 1).padStart(2, '0')}`, true, 'present')),
      d('2026-12-10', true, 'absent_justifie'),
      d('2026-12-11', true, 'absent_non_justifie'),
    ];
    const lines = monthLines(
      {
        childName: 'Léa',
        activityName: 'Cantine',
        unit: 'repas',
        tariff: canteen,
        billing: strict,
        childRank: 1,
        days,
      },
      { qf: 1047, resident: true },
    );
    expect(lines.map((l) => [l.label, l.quantity, l.unitCents, l.amountCents])).toEqual([
      ['8 jours réservés', 8, 340, 2720],
      ['1 absence non justifiée', 1, 340, 340],
    ]);
    expect(lines[0]!.explanation.replace(/\s/g, ' ')).toBe('QF de 1 001 à 1 500 : 3,40 €');
  });

  it('a presence without booking costs 50 % more: 3,40 € → 5,10 €; the second child gets 10 % off first', () => {
    const lines = monthLines(
      {
        childName: 'Noé',
        activityName: 'Cantine',
        unit: 'repas',
        tariff: canteen,
        billing: strict,
        childRank: 2,
        days: [d('2026-12-01', true, 'present'), d('2026-12-03', false, 'present')],
      },
      { qf: 1047, resident: true },
    );
    // 3,40 − 10 % = 3,06 ; + 50 % = 3,06 + 1,53 = 4,59
    expect(lines.map((l) => [l.quantity, l.unitCents, l.amountCents])).toEqual([
      [1, 306, 306],
      [1, 459, 459],
    ]);
  });

  it('sums children and activities; the effort rate at QF 525 is held at its floor (2,60 €)', () => {
    const household = { qf: 525, resident: true };
    const { lines, totalCents } = invoiceOf(
      [
        {
          childName: 'Léa',
          activityName: 'Cantine',
          unit: 'repas',
          tariff: canteen,
          billing: lenient,
          childRank: 1,
          days: [d('2026-12-01', true), d('2026-12-03', true), d('2026-12-04', true, 'absent_non_justifie')],
        },
        {
          childName: 'Léa',
          activityName: 'Accueil du soir',
          unit: 'soir',
          tariff: evening,
          billing: lenient,
          childRank: 1,
          days: [d('2026-12-01', true, 'present')],
        },
      ],
      household,
    );
    // Canteen: 2 × 1,00 € (the unjustified absence is not billed here); evening: 1 × 2,60 €.
    expect(lines.map((l) => l.amountCents)).toEqual([200, 260]);
    expect(totalCents).toBe(460);
  });

  it('bills nothing for a month of cancelled or justified days', () => {
    expect(
      invoiceOf(
        [
          {
            childName: 'Léa',
            activityName: 'Cantine',
            unit: 'repas',
            tariff: canteen,
            billing: strict,
            childRank: 1,
            days: [d('2026-12-01', true, 'absent_justifie')],
          },
        ],
        { qf: 1047, resident: true },
      ),
    ).toEqual({ lines: [], totalCents: 0 });
  });

  it('charges the highest price without a QF and the non-resident price outside the commune', () => {
    const month = {
      childName: 'Léa',
      activityName: 'Cantine',
      unit: 'repas',
      tariff: canteen,
      billing: strict,
      childRank: 1,
      days: [d('2026-12-01', true)],
    };
    expect(monthLines(month, { qf: null, resident: true })[0]!.unitCents).toBe(350);
    expect(monthLines(month, { qf: 525, resident: false })[0]!.unitCents).toBe(520);
  });
});

describe('days counted in tallies (the billing run groups them in SQL)', () => {
  const rules = { billUnjustifiedAbsence: true, unbookedSurchargePercent: 50 };
  const tariff: TariffRules = {
    model: { kind: 'brackets', brackets: [{ fromQf: 0, toQf: null, priceCents: 300 }] },
    nonResidentPriceCents: null,
    missingQf: 'highest',
    siblingReductionPercent: 0,
    costPerUserCents: null,
    oneEuroCanteen: false,
  };
  const month = (days: ChildActivityMonth['days']): ChildActivityMonth => ({
    childName: 'Léa',
    activityName: 'Restauration scolaire',
    unit: 'repas',
    tariff,
    billing: rules,
    childRank: 1,
    days,
  });
  it('bills a tally of n days as n single days (same lines, same total)', () => {
    const single = [
      ...Array.from({ length: 12 }, () => ({ booked: true, attendance: 'present' as const })),
      ...Array.from({ length: 3 }, () => ({ booked: true, attendance: 'absent_justifie' as const })),
      ...Array.from({ length: 2 }, () => ({ booked: false, attendance: 'present' as const })),
    ];
    const tallied = [
      { booked: true, attendance: 'present' as const, count: 12 },
      { booked: true, attendance: 'absent_justifie' as const, count: 3 },
      { booked: false, attendance: 'present' as const, count: 2 },
    ];
    const household = { qf: 800, resident: true };
    expect(monthLines(month(tallied), household)).toEqual(monthLines(month(single), household));
    // 12 × 3,00 € + 2 × 4,50 € (50 % more without booking) = 45,00 €; the justified absences not billed.
    expect(monthLines(month(tallied), household).map((l) => l.amountCents)).toEqual([3600, 900]);
  });
  it('refuses a tally that is not a whole number of days', () => {
    expect(() =>
      monthLines(month([{ booked: true, attendance: null, count: 1.5 }]), { qf: 1, resident: true }),
    ).toThrow(RangeError);
  });
});
