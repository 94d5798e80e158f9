/**
 * Money in integer cents: parsing amounts as people write them, formatting them the French way,
 * and rounding a product half-up to the cent. No floating-point amount is ever stored.
 */

/**
 * Parses an amount in euros as people write it (« 12 500,50 », « 12500.5 », « 1 200 € ») into
 * integer cents; undefined when it is not an amount (negative, more than two decimals, words).
 */
export function parseEuros(input: string): number | undefined {
  const cleaned = input
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/€$/, '')
    .replace(/EUR$/i, '');
  const match = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** « 12 500,50 € » (French grouping and decimal comma, non-breaking spaces). */
export function formatEuros(cents: number): string {
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** « 3,40 » — the amount as typed back into a form field. */
export function eurosInputValue(cents: number): string {
  return `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/**
 * `numerator / denominator` rounded half-up (away from zero for a half), on integers: the rule
 * for a price computed from a rate (e.g. QF × effort rate) or a reduction.
 */
export function divideHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('divideHalfUp takes safe integers and a positive denominator');
  }
  const sign = numerator < 0 ? -1 : 1;
  const n = Math.abs(numerator);
  return sign * Math.floor((2 * n + denominator) / (2 * denominator));
}
