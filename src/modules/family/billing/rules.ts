/**
 * What a month of days costs (decision 0033), in pure functions: which days are billed from the
 * bookings and the attendance, and the lines of an invoice priced with the tariff engine
 * (`tariffs/pricing.ts`, the same as the public simulator) in integer cents.
 *
 * A day booked and
 * - pointed present: billed;
 * - not pointed (the agent did not mark it): billed, the booking is what the family ordered;
 * - absent, justified (illness with a certificate…): not billed;
 * - absent, not justified: billed when the commune decided so (`billUnjustifiedAbsence`).
 * A day not booked but pointed present (« présence sans réservation »): billed with the
 * commune's surcharge (`unbookedSurchargePercent` more, rounded half-up to the cent).
 * A day cancelled before its cut-off no longer exists as a booking: nothing to bill.
 */
import { divideHalfUp } from '../../../platform/money.js';
import { type Price, priceFor, type TariffRules } from '../tariffs/pricing.js';

export type Attendance = 'present' | 'absent_justifie' | 'absent_non_justifie';

export interface DayRecord {
  day: string;
  booked: boolean;
  attendance: Attendance | null;
}

/**
 * Days of a child's month that share one state (booked or not, pointed or not), counted: what the
 * billing run reads from the database, grouped in SQL, instead of one row per day. A `DayRecord`
 * is a tally of one.
 */
export interface DayTally {
  booked: boolean;
  attendance: Attendance | null;
  /** How many days are in this state (1 when absent). */
  count?: number;
}

export interface BillingRules {
  billUnjustifiedAbsence: boolean;
  unbookedSurchargePercent: number;
}

export type DayCharge = 'booked' | 'unjustified_absence' | 'unbooked_presence' | null;

/** How a day is billed, or null when it is not. */
export function dayCharge(record: DayTally, rules: BillingRules): DayCharge {
  if (!record.booked) return record.attendance === 'present' ? 'unbooked_presence' : null;
  if (record.attendance === 'absent_justifie') return null;
  if (record.attendance === 'absent_non_justifie') return rules.billUnjustifiedAbsence ? 'unjustified_absence' : null;
  return 'booked';
}

export interface ChildActivityMonth {
  childName: string;
  activityName: string;
  unit: string;
  tariff: TariffRules;
  billing: BillingRules;
  /** 1 for the household's eldest child in the activity this month, 2 for the next… */
  childRank: number;
  days: readonly DayTally[];
}

export interface Household {
  qf: number | null;
  resident: boolean;
}

export interface InvoiceLine {
  childName: string;
  activityName: string;
  label: string;
  quantity: number;
  unitCents: number;
  amountCents: number;
  explanation: string;
}

const LABELS: Record<Exclude<DayCharge, null>, [string, string]> = {
  booked: ['jour réservé', 'jours réservés'],
  unjustified_absence: ['absence non justifiée', 'absences non justifiées'],
  unbooked_presence: ['présence sans réservation', 'présences sans réservation'],
};

function plural(n: number, [one, many]: [string, string]): string {
  return `${n} ${n > 1 ? many : one}`;
}

/** The lines of one child's month in one activity (none when nothing is billed). */
export function monthLines(month: ChildActivityMonth, household: Household): InvoiceLine[] {
  const price: Price = priceFor(month.tariff, {
    qf: household.qf,
    resident: household.resident,
    childRank: month.childRank,
  });
  const counts = { booked: 0, unjustified_absence: 0, unbooked_presence: 0 };
  for (const record of month.days) {
    const charge = dayCharge(record, month.billing);
    const count = record.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('a tally counts whole days');
    if (charge) counts[charge] += count;
  }
  const lines: InvoiceLine[] = [];
  for (const kind of ['booked', 'unjustified_absence', 'unbooked_presence'] as const) {
    const quantity = counts[kind];
    if (quantity === 0) continue;
    const surcharge = kind === 'unbooked_presence' ? month.billing.unbookedSurchargePercent : 0;
    const unitCents = price.cents + divideHalfUp(price.cents * surcharge, 100);
    lines.push({
      childName: month.childName,
      activityName: month.activityName,
      label: plural(quantity, LABELS[kind]),
      quantity,
      unitCents,
      amountCents: unitCents * quantity,
      explanation:
        surcharge > 0 ? `${price.explanation} ; majoration de ${surcharge}\u00a0% sans réservation` : price.explanation,
    });
  }
  return lines;
}

/** The lines and the total of a household's month. */
export function invoiceOf(
  months: readonly ChildActivityMonth[],
  household: Household,
): { lines: InvoiceLine[]; totalCents: number } {
  const lines = months.flatMap((m) => monthLines(m, household));
  return { lines, totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0) };
}
