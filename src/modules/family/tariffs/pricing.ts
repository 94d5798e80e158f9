/**
 * Prices of the family portal's activities from a tariff grid, in pure functions shared by the
 * public simulator and by billing (so the simulator never disagrees with the invoice).
 *
 * Two models (domain rules §3.3): brackets of QF (« tranches », contiguous, inclusive integer
 * bounds, the last open-ended) and the effort rate (« taux d'effort »: price = QF × rate, clamped
 * between a floor and a ceiling). Then, in this order: the non-resident price (« tarif
 * extérieur ») when the household does not live in the commune; the sibling reduction from the
 * second child; rounding half-up to the cent.
 *
 * Legal guards checked when a grid is saved:
 * - a price never exceeds the cost per user after subsidies (code de l'éducation, R531-53, for
 *   school catering; the same check is offered for every activity);
 * - « cantine à 1 € » (State aid since 2019): at least three brackets, one at 1 € or less reserved
 *   to QF ≤ 1 000, one above 1 €.
 */
import { divideHalfUp, formatEuros } from '../../../platform/money.js';

export interface Bracket {
  /** Inclusive lower bound of the QF (whole euros). */
  fromQf: number;
  /** Inclusive upper bound; null for the last, open-ended bracket. */
  toQf: number | null;
  priceCents: number;
}

export type TariffModel =
  | { kind: 'brackets'; brackets: readonly Bracket[] }
  | {
      kind: 'effort';
      /** The effort rate in millionths of the QF (0,36 % → 3 600). */
      ratePpm: number;
      floorCents: number;
      ceilingCents: number;
    };

export interface TariffRules {
  model: TariffModel;
  /** Price for a household living outside the commune; null: the same prices as residents. */
  nonResidentPriceCents: number | null;
  /** A household without a known QF pays the highest price (or the non-resident one). */
  missingQf: 'highest' | 'non-resident';
  /** Reduction in percent from the second child enrolled (0: none). */
  siblingReductionPercent: number;
  /** Cost per user after subsidies (R531-53): no price may exceed it; null when not set. */
  costPerUserCents: number | null;
  /** The grid takes part in « cantine à 1 € ». */
  oneEuroCanteen: boolean;
}

export interface PriceInput {
  /** The household's QF (whole euros), or null when unknown. */
  qf: number | null;
  resident: boolean;
  /** 1 for the first child of the household enrolled, 2 for the second… */
  childRank: number;
}

export interface Price {
  cents: number;
  /** How the price was reached, in French (shown by the simulator and on invoices). */
  explanation: string;
}

const PPM_PER_CENT_OF_QF = 10_000; // QF € × ppm / 1e6 € = QF × ppm / 1e4 cents

function highestPrice(model: TariffModel): number {
  return model.kind === 'brackets' ? Math.max(...model.brackets.map((b) => b.priceCents)) : model.ceilingCents;
}

export function formatRate(ratePpm: number): string {
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 4 }).format(ratePpm / 10_000)}\u00a0%`;
}

export function bracketLabel(b: Bracket): string {
  const from = new Intl.NumberFormat('fr-FR').format(b.fromQf);
  if (b.toQf === null) return `QF à partir de ${from}`;
  return `QF de ${from} à ${new Intl.NumberFormat('fr-FR').format(b.toQf)}`;
}

/** The base price for a QF under the model, before residence and siblings. */
function modelPrice(model: TariffModel, qf: number): Price {
  if (model.kind === 'brackets') {
    const bracket = model.brackets.find((b) => qf >= b.fromQf && (b.toQf === null || qf <= b.toQf));
    if (!bracket) throw new RangeError(`no bracket for QF ${qf}`);
    return { cents: bracket.priceCents, explanation: `${bracketLabel(bracket)} : ${formatEuros(bracket.priceCents)}` };
  }
  const raw = divideHalfUp(qf * model.ratePpm, PPM_PER_CENT_OF_QF);
  const cents = Math.min(model.ceilingCents, Math.max(model.floorCents, raw));
  const rule = `${formatRate(model.ratePpm)} du QF`;
  if (raw < model.floorCents) return { cents, explanation: `${rule}, relevé au plancher de ${formatEuros(cents)}` };
  if (raw > model.ceilingCents) return { cents, explanation: `${rule}, ramené au plafond de ${formatEuros(cents)}` };
  return { cents, explanation: `${rule} : ${formatEuros(cents)}` };
}

/** The price of one unit (a meal, a session) for a household and child under a grid's rules. */
export function priceFor(rules: TariffRules, input: PriceInput): Price {
  if (!Number.isSafeInteger(input.childRank) || input.childRank < 1) throw new RangeError('childRank starts at 1');
  if (input.qf !== null && (!Number.isFinite(input.qf) || input.qf < 0)) throw new RangeError('QF is non-negative');
  let base: Price;
  if (!input.resident && rules.nonResidentPriceCents !== null) {
    base = {
      cents: rules.nonResidentPriceCents,
      explanation: `Tarif extérieur : ${formatEuros(rules.nonResidentPriceCents)}`,
    };
  } else if (input.qf === null) {
    base =
      rules.missingQf === 'non-resident' && rules.nonResidentPriceCents !== null
        ? {
            cents: rules.nonResidentPriceCents,
            explanation: `QF inconnu : tarif extérieur, ${formatEuros(rules.nonResidentPriceCents)}`,
          }
        : {
            cents: highestPrice(rules.model),
            explanation: `QF inconnu : tarif le plus élevé, ${formatEuros(highestPrice(rules.model))}`,
          };
  } else {
    base = modelPrice(rules.model, Math.trunc(input.qf));
  }
  if (input.childRank >= 2 && rules.siblingReductionPercent > 0) {
    const cents = base.cents - divideHalfUp(base.cents * rules.siblingReductionPercent, 100);
    return {
      cents,
      explanation: `${base.explanation} ; réduction de ${rules.siblingReductionPercent}\u00a0% à partir du deuxième enfant : ${formatEuros(cents)}`,
    };
  }
  return base;
}

/** What is wrong with a grid, in French, by field (empty: the grid may be saved). */
export function gridProblems(rules: TariffRules): Record<string, string> {
  const problems: Record<string, string> = {};
  const cost = rules.costPerUserCents;
  const overCost = (cents: number) => cost !== null && cents > cost;
  if (rules.model.kind === 'brackets') {
    const brackets = rules.model.brackets;
    if (brackets.length === 0) problems.brackets = 'Saisissez au moins une tranche.';
    brackets.forEach((b, i) => {
      const line = `Ligne ${i + 1}`;
      if (problems.brackets) return;
      if (i === 0 && b.fromQf !== 0) problems.brackets = `${line} : la première tranche commence à un QF de 0.`;
      else if (i > 0 && brackets[i - 1]!.toQf !== null && b.fromQf !== brackets[i - 1]!.toQf! + 1) {
        problems.brackets =
          b.fromQf <= brackets[i - 1]!.toQf!
            ? `${line} : cette tranche chevauche la précédente (elle doit commencer à ${brackets[i - 1]!.toQf! + 1}).`
            : `${line} : il manque les QF de ${brackets[i - 1]!.toQf! + 1} à ${b.fromQf - 1} entre cette tranche et la précédente.`;
      } else if (b.toQf !== null && b.toQf < b.fromQf)
        problems.brackets = `${line} : la borne haute est inférieure à la borne basse.`;
      else if (b.toQf === null && i !== brackets.length - 1)
        problems.brackets = `${line} : seule la dernière tranche peut être sans borne haute.`;
      else if (i === brackets.length - 1 && b.toQf !== null)
        problems.brackets = `${line} : la dernière tranche doit aller sans limite (« et plus »).`;
      else if (overCost(b.priceCents)) {
        problems.brackets = `${line} : ${formatEuros(b.priceCents)} dépasse le coût par usager (${formatEuros(cost!)}) ; le code de l’éducation (R531-53) l’interdit.`;
      }
    });
    if (!problems.brackets && rules.oneEuroCanteen) {
      const social = brackets.filter((b) => b.priceCents <= 100);
      if (brackets.length < 3) problems.oneEuroCanteen = 'La cantine à 1 € demande au moins trois tranches.';
      else if (social.length === 0) problems.oneEuroCanteen = 'La cantine à 1 € demande une tranche à 1 € ou moins.';
      else if (!brackets.some((b) => b.priceCents > 100))
        problems.oneEuroCanteen = 'La cantine à 1 € demande une tranche au-dessus de 1 €.';
      else if (social.some((b) => b.toQf === null || b.toQf > 1000)) {
        problems.oneEuroCanteen = 'La tranche à 1 € ou moins est réservée aux QF jusqu’à 1 000.';
      }
    }
  } else {
    const m = rules.model;
    if (m.ratePpm <= 0) problems.ratePpm = 'Saisissez un taux d’effort supérieur à 0.';
    if (m.floorCents > m.ceilingCents) problems.ceilingCents = 'Le plafond doit être supérieur ou égal au plancher.';
    else if (overCost(m.ceilingCents)) {
      problems.ceilingCents = `Le plafond (${formatEuros(m.ceilingCents)}) dépasse le coût par usager (${formatEuros(cost!)}) ; le code de l’éducation (R531-53) l’interdit.`;
    }
    if (rules.oneEuroCanteen) problems.oneEuroCanteen = 'La cantine à 1 € demande une grille par tranches.';
  }
  if (rules.nonResidentPriceCents !== null && overCost(rules.nonResidentPriceCents)) {
    problems.nonResidentPriceCents = `Le tarif extérieur (${formatEuros(rules.nonResidentPriceCents)}) dépasse le coût par usager (${formatEuros(cost!)}).`;
  }
  if (
    !Number.isInteger(rules.siblingReductionPercent) ||
    rules.siblingReductionPercent < 0 ||
    rules.siblingReductionPercent > 100
  ) {
    problems.siblingReductionPercent = 'Saisissez une réduction entre 0 et 100 %.';
  }
  return problems;
}
