/**
 * A tariff grid as an administrator types it, read into rules (pure): brackets one per line
 * (« 0 à 622 : 1,00 », « 1 501 et plus : 3,50 »), or an effort rate with its floor and ceiling,
 * amounts in euros as people write them. Every refusal is a French message on its field.
 */
import { parseEuros } from '../../../platform/money.js';
import { type Bracket, gridProblems, type TariffRules } from './pricing.js';

export interface GridForm {
  model: string;
  brackets: string;
  rate: string;
  floor: string;
  ceiling: string;
  nonResident: string;
  missingQf: string;
  siblingReduction: string;
  costPerUser: string;
  oneEuroCanteen: string;
  validFromDay: string;
  validFromMonth: string;
  validFromYear: string;
  source: string;
}

export const GRID_FORM_FIELDS: ReadonlyArray<keyof GridForm> = [
  'model',
  'brackets',
  'rate',
  'floor',
  'ceiling',
  'nonResident',
  'missingQf',
  'siblingReduction',
  'costPerUser',
  'oneEuroCanteen',
  'validFromDay',
  'validFromMonth',
  'validFromYear',
  'source',
];

/** The form's field for each problem of `gridProblems`. */
const FIELD_OF: Record<string, keyof GridForm> = {
  brackets: 'brackets',
  oneEuroCanteen: 'oneEuroCanteen',
  ratePpm: 'rate',
  ceilingCents: 'ceiling',
  nonResidentPriceCents: 'nonResident',
  siblingReductionPercent: 'siblingReduction',
};

const QF = String.raw`(\d{1,3}(?:[\s\u00a0\u202f]\d{3})*|\d+)`;
const RANGE_LINE = new RegExp(`^${QF}\\s*(?:à|a|-|–)\\s*${QF}\\s*:\\s*(.+)$`, 'i');
const OPEN_LINE = new RegExp(`^(?:${QF}\\s*et\\s*plus|à partir de\\s*${QF}|a partir de\\s*${QF})\\s*:\\s*(.+)$`, 'i');
const qfNumber = (s: string) => Number(s.replace(/[\s\u00a0\u202f]/g, ''));

/** Reads the bracket lines; a message naming the line when one cannot be read. */
export function parseBrackets(text: string): { brackets: Bracket[] } | { error: string } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { error: 'Saisissez les tranches, une par ligne, par exemple « 0 à 622 : 1,00 ».' };
  if (lines.length > 50) return { error: 'Saisissez 50 tranches au plus.' };
  const brackets: Bracket[] = [];
  for (const [i, line] of lines.entries()) {
    const range = RANGE_LINE.exec(line);
    const open = range ? null : OPEN_LINE.exec(line);
    const price = parseEuros((range?.[3] ?? open?.[4] ?? '').trim());
    if ((!range && !open) || price === undefined) {
      return {
        error: `Ligne ${i + 1} : écrivez la tranche comme « 623 à 1 000 : 3,30 » ou « 1 501 et plus : 3,50 » (QF en euros entiers, prix en euros).`,
      };
    }
    const fromQf = qfNumber(range ? range[1]! : (open![1] ?? open![2] ?? open![3])!);
    const toQf = range ? qfNumber(range[2]!) : null;
    if (!Number.isSafeInteger(fromQf) || (toQf !== null && !Number.isSafeInteger(toQf))) {
      return { error: `Ligne ${i + 1} : le QF est trop grand.` };
    }
    brackets.push({ fromQf, toQf, priceCents: price });
  }
  return { brackets };
}

/** « 0,36 » (percent of the QF) → 3 600 millionths; undefined when it is not a rate. */
export function parseRatePercent(text: string): number | undefined {
  const match = /^(\d{1,2})(?:[.,](\d{1,4}))?\s*%?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
}

function isoDate(day: string, month: string, year: string): string | undefined {
  if (!/^\d{1,2}$/.test(day.trim()) || !/^\d{1,2}$/.test(month.trim()) || !/^\d{4}$/.test(year.trim()))
    return undefined;
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 2000 || y > 2100) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

export type ParsedGrid = { rules: TariffRules; validFrom: string; source: string };

/** Reads the whole form: the rules and the version's start, or the French messages by field. */
export function parseGridForm(
  form: GridForm,
): { ok: true; grid: ParsedGrid } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const euros = (field: keyof GridForm, label: string, optional: boolean): number | null => {
    const text = form[field].trim();
    if (text === '') {
      if (!optional) errors[field] = `Saisissez ${label}.`;
      return null;
    }
    const cents = parseEuros(text);
    if (cents === undefined) errors[field] = `Saisissez ${label} en euros, par exemple 3,40.`;
    return cents ?? null;
  };
  let model: TariffRules['model'] | null = null;
  if (form.model === 'brackets') {
    const parsed = parseBrackets(form.brackets);
    if ('error' in parsed) errors.brackets = parsed.error;
    else model = { kind: 'brackets', brackets: parsed.brackets };
  } else if (form.model === 'effort') {
    const ratePpm = parseRatePercent(form.rate);
    if (ratePpm === undefined) errors.rate = 'Saisissez le taux d’effort en pourcentage du QF, par exemple 0,36.';
    const floorCents = euros('floor', 'le prix plancher', false);
    const ceilingCents = euros('ceiling', 'le prix plafond', false);
    if (ratePpm !== undefined && floorCents !== null && ceilingCents !== null) {
      model = { kind: 'effort', ratePpm, floorCents, ceilingCents };
    }
  } else {
    errors.model = 'Choisissez le mode de calcul : par tranches de QF ou par taux d’effort.';
  }
  const nonResident = euros('nonResident', 'le tarif extérieur', true);
  const costPerUser = euros('costPerUser', 'le coût par usager', true);
  const reductionText = form.siblingReduction.trim() === '' ? '0' : form.siblingReduction.trim();
  const siblingReductionPercent = /^\d{1,3}$/.test(reductionText) ? Number(reductionText) : Number.NaN;
  if (Number.isNaN(siblingReductionPercent))
    errors.siblingReduction = 'Saisissez la réduction en pourcentage entier, par exemple 10.';
  if (form.missingQf !== 'highest' && form.missingQf !== 'non-resident') {
    errors.missingQf = 'Choisissez le tarif appliqué quand le QF n’est pas connu.';
  } else if (form.missingQf === 'non-resident' && form.nonResident.trim() === '') {
    errors.missingQf = 'Saisissez un tarif extérieur, ou appliquez le tarif le plus élevé quand le QF n’est pas connu.';
  }
  const validFrom = isoDate(form.validFromDay, form.validFromMonth, form.validFromYear);
  if (!validFrom) errors.validFrom = 'Saisissez une date d’entrée en vigueur réelle, par exemple 1 9 2026.';
  const source = form.source.trim().replace(/\s+/g, ' ');
  if (source === '')
    errors.source =
      'Indiquez la délibération qui adopte cette grille, par exemple « Délibération n° 2026-041 du 12 juin 2026 ».';
  else if (source.length > 300) errors.source = 'La référence de la délibération ne doit pas dépasser 300 caractères.';
  if (Object.keys(errors).length > 0 || !model || !validFrom) return { ok: false, errors };
  const rules: TariffRules = {
    model,
    nonResidentPriceCents: nonResident,
    missingQf: form.missingQf as TariffRules['missingQf'],
    siblingReductionPercent,
    costPerUserCents: costPerUser,
    oneEuroCanteen: form.oneEuroCanteen === 'oui',
  };
  const problems = gridProblems(rules);
  if (Object.keys(problems).length > 0) {
    return {
      ok: false,
      errors: Object.fromEntries(Object.entries(problems).map(([k, v]) => [FIELD_OF[k] ?? 'brackets', v])),
    };
  }
  return { ok: true, grid: { rules, validFrom, source } };
}
