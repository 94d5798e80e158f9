/**
 * The quotient familial (QF), in pure functions: the CAF formula and the fiscal one a commune may
 * use instead (« QF municipal » from the avis d'imposition), each a named formula version.
 * Money is in integer cents; parts are counted in half parts so that no float is involved.
 *
 * CAF: QF = (annual resources / 12 + monthly family benefits) / parts. Parts: a couple or a single
 * parent 2; 1st and 2nd child +0.5 each; 3rd child +1; each further child +0.5; a child receiving
 * the AEEH (allocation d'éducation de l'enfant handicapé) +0.5. Resources are those of year N-2;
 * regular monthly benefits only (not the ARS nor the birth bonus). When the CAF or the MSA gives
 * the QF, that value is used as it is: this computation is for the simulator and for households
 * that the CAF does not know.
 *
 * Fiscal (code général des impôts, art. 194): QF = revenu fiscal de référence / 12 / parts, parts
 * of income tax: a single adult 1, a couple 2; 1st and 2nd child +0.5 each, each further child
 * +1; a single parent raising children +0.5; a disabled child +0.5.
 */

export type QuotientFormula = 'caf' | 'fiscal';

export interface HouseholdForQuotient {
  /** A couple (two adults) or one adult raising the children alone. */
  couple: boolean;
  children: number;
  /** Of those children, how many receive the AEEH (CAF) or hold a disability card (fiscal). */
  disabledChildren: number;
  /** CAF: taxable annual resources of year N-2; fiscal: the revenu fiscal de référence. */
  annualResourcesCents: number;
  /** CAF only: regular monthly family benefits (AF, APL, RSA, PAJE, AEEH…). */
  monthlyBenefitsCents: number;
}

export interface Quotient {
  formula: QuotientFormula;
  /** Parts × 2 (5 parts → 10). */
  halfParts: number;
  /** The exact quotient in cents (rounded half-up), as shown to explain the computation. */
  exactCents: number;
  /** The QF that prices apply to: whole euros, truncated (1 047,33 → 1 047). */
  value: number;
}

/** CAF parts, in half parts. */
export function cafHalfParts(children: number, disabledChildren: number): number {
  let half = 4; // a couple or a single parent: 2 parts
  if (children >= 1) half += 1;
  if (children >= 2) half += 1;
  if (children >= 3) half += 2;
  if (children >= 4) half += children - 3;
  return half + disabledChildren;
}

/** Income-tax parts, in half parts. */
export function fiscalHalfParts(couple: boolean, children: number, disabledChildren: number): number {
  let half = couple ? 4 : 2;
  half += Math.min(children, 2);
  half += Math.max(0, children - 2) * 2;
  if (!couple && children > 0) half += 1;
  return half + disabledChildren;
}

export function checkHousehold(h: HouseholdForQuotient): void {
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!whole(h.children) || !whole(h.disabledChildren) || h.disabledChildren > h.children) {
    throw new RangeError('children and disabled children are whole numbers, the latter at most the former');
  }
  if (!whole(h.annualResourcesCents) || !whole(h.monthlyBenefitsCents)) {
    throw new RangeError('resources and benefits are whole, non-negative cents');
  }
}

/** Computes the QF of a household with the given formula. */
export function computeQuotient(formula: QuotientFormula, h: HouseholdForQuotient): Quotient {
  checkHousehold(h);
  const halfParts =
    formula === 'caf'
      ? cafHalfParts(h.children, h.disabledChildren)
      : fiscalHalfParts(h.couple, h.children, h.disabledChildren);
  // Monthly resources in cents × 12, to stay in integers: (annual + 12 × benefits) / (12 × parts).
  const numerator = h.annualResourcesCents + (formula === 'caf' ? 12 * h.monthlyBenefitsCents : 0);
  const denominator = 6 * halfParts; // 12 months × halfParts / 2
  return {
    formula,
    halfParts,
    exactCents: Math.floor((2 * numerator + denominator) / (2 * denominator)),
    value: Math.floor(numerator / (100 * denominator)),
  };
}

/** « 2,5 » parts. */
export function formatParts(halfParts: number): string {
  return halfParts % 2 === 0 ? String(halfParts / 2) : `${(halfParts - 1) / 2},5`;
}
