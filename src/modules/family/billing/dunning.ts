/**
 * Dunning (relances), pure: which invoices are past due and what each household owes. An
 * invoice is due `DUE_DAYS` days after its issue (the « date limite de paiement » printed by
 * most communes for a monthly invoice); it is past due from the next Paris day, while something
 * is left to pay and it is still the régie's (an invoice in a rôle is the comptable public's to
 * recover, with his own reminders).
 */
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import type { InvoiceRow } from '../schema.js';

export const DUE_DAYS = 30;

type DunningInvoice = Pick<
  InvoiceRow,
  | 'id'
  | 'number'
  | 'month'
  | 'accountId'
  | 'payerName'
  | 'totalCents'
  | 'creditedCents'
  | 'status'
  | 'roleId'
  | 'issuedAt'
>;

/** The Paris day an invoice is due. */
export function dueOn(issuedAt: Date): string {
  return addCalendarDays(parisDateOf(issuedAt), DUE_DAYS);
}

export function isPastDue(invoice: DunningInvoice, now: Date): boolean {
  return (
    invoice.status === 'a_payer' &&
    invoice.roleId === null &&
    invoice.totalCents - invoice.creditedCents > 0 &&
    parisDateOf(now) > dueOn(invoice.issuedAt)
  );
}

export interface HouseholdArrears<I extends DunningInvoice = DunningInvoice> {
  accountId: string;
  payerName: string;
  invoices: I[];
  owedCents: number;
  /** The oldest due date among them. */
  since: string;
}

/** The households with invoices past due, the longest overdue first. */
export function arrearsOf<I extends DunningInvoice>(invoices: readonly I[], now: Date): HouseholdArrears<I>[] {
  const byAccount = new Map<string, HouseholdArrears<I>>();
  for (const invoice of invoices) {
    if (!isPastDue(invoice, now)) continue;
    const due = dueOn(invoice.issuedAt);
    const entry = byAccount.get(invoice.accountId) ?? {
      accountId: invoice.accountId,
      payerName: invoice.payerName,
      invoices: [],
      owedCents: 0,
      since: due,
    };
    entry.invoices.push(invoice);
    entry.owedCents += invoice.totalCents - invoice.creditedCents;
    if (due < entry.since) entry.since = due;
    byAccount.set(invoice.accountId, entry);
  }
  for (const entry of byAccount.values()) entry.invoices.sort((a, b) => a.number.localeCompare(b.number));
  return [...byAccount.values()].sort(
    (a, b) => a.since.localeCompare(b.since) || a.payerName.localeCompare(b.payerName, 'fr'),
  );
}
