/**
 * The public tariff simulator's question, read from its query string (pure): either a known QF,
 * or the household's composition and resources to compute it with the CAF formula; and whether
 * the family lives in the commune. The same pricing functions as billing give the answer.
 */
import { parseEuros } from '../../../platform/money.js';
import { computeQuotient, type Quotient } from './quotient.js';

export interface SimulationQuery {
  qfConnu: string;
  qf: string;
  couple: string;
  enfants: string;
  enfantsAeeh: string;
  revenus: string;
  prestations: string;
  residence: string;
}

export const SIMULATION_FIELDS: ReadonlyArray<keyof SimulationQuery> = [
  'qfConnu',
  'qf',
  'couple',
  'enfants',
  'enfantsAeeh',
  'revenus',
  'prestations',
  'residence',
];

export interface Simulation {
  /** The QF prices apply to; `quotient` is set when it was computed here. */
  qf: number;
  quotient: Quotient | null;
  resident: boolean;
}

const whole = (text: string, max: number): number | undefined => {
  const t = text.trim();
  if (!/^\d{1,6}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= max ? n : undefined;
};

export function readSimulation(
  q: SimulationQuery,
): { ok: true; simulation: Simulation } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let qf: number | undefined;
  let quotient: Quotient | null = null;
  if (q.qfConnu === 'oui') {
    qf = whole(q.qf.replace(/[\s\u00a0\u202f]/g, ''), 99_999);
    if (qf === undefined) errors.qf = 'Saisissez votre quotient familial en euros entiers, par exemple 1047.';
  } else if (q.qfConnu === 'non') {
    const couple = q.couple === 'oui' ? true : q.couple === 'non' ? false : undefined;
    if (couple === undefined) errors.couple = 'Indiquez si vous élevez vos enfants en couple ou seul.';
    const children = whole(q.enfants, 15);
    if (children === undefined) errors.enfants = 'Saisissez le nombre d’enfants à charge, de 0 à 15.';
    const disabled = q.enfantsAeeh.trim() === '' ? 0 : whole(q.enfantsAeeh, 15);
    if (disabled === undefined) errors.enfantsAeeh = 'Saisissez le nombre d’enfants qui perçoivent l’AEEH, ou 0.';
    else if (children !== undefined && disabled > children) {
      errors.enfantsAeeh = 'Le nombre d’enfants qui perçoivent l’AEEH ne peut pas dépasser le nombre d’enfants.';
    }
    const resources = parseEuros(q.revenus);
    if (resources === undefined) errors.revenus = 'Saisissez vos revenus annuels en euros, par exemple 36 000.';
    const benefits = q.prestations.trim() === '' ? 0 : parseEuros(q.prestations);
    if (benefits === undefined)
      errors.prestations = 'Saisissez vos prestations mensuelles en euros, par exemple 142, ou 0.';
    if (Object.keys(errors).length === 0) {
      quotient = computeQuotient('caf', {
        couple: couple!,
        children: children!,
        disabledChildren: disabled!,
        annualResourcesCents: resources!,
        monthlyBenefitsCents: benefits!,
      });
      qf = quotient.value;
    }
  } else {
    errors.qfConnu = 'Indiquez si vous connaissez votre quotient familial.';
  }
  const resident = q.residence === 'oui' ? true : q.residence === 'non' ? false : undefined;
  if (resident === undefined) errors.residence = 'Indiquez si vous habitez la commune.';
  if (Object.keys(errors).length > 0 || qf === undefined || resident === undefined) return { ok: false, errors };
  return { ok: true, simulation: { qf, quotient, resident } };
}
