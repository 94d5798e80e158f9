/**
 * Dunning letters (relances), by the commune's administrators: the households with invoices past
 * due (billing/dunning.ts), and for one household a letter (PDF) listing what it owes. Each
 * letter is written in the history of the invoices it lists — once per Paris day, so printing
 * the same letter twice does not count as two reminders — and in the journal.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { formatEuros } from '../../../platform/money.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { arrearsOf, type HouseholdArrears } from '../billing/dunning.js';
import { dunningPdf } from '../billing/invoice-pdf.js';
import { canManageBilling } from '../policy.js';
import { insertInvoiceEvents, lastReminders, unpaidInvoices } from '../repo.js';
import type { InvoiceRow } from '../schema.js';
import type { FamilyCaller } from './common.js';
import { INVOICE_NOT_FOUND } from './payments.js';

export interface ArrearsView extends HouseholdArrears<InvoiceRow> {
  lastReminder: Date | null;
}

export async function listArrears(database: Database, caller: FamilyCaller, now = new Date()): Promise<ArrearsView[]> {
  if (!canManageBilling(caller.actor)) throw INVOICE_NOT_FOUND();
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const arrears = arrearsOf(await unpaidInvoices(tx, communeId), now);
    const reminders = await lastReminders(
      tx,
      communeId,
      arrears.flatMap((a) => a.invoices.map((i) => i.id)),
    );
    return arrears.map((a) => {
      const dates = a.invoices.map((i) => reminders.get(i.id)).filter((d): d is Date => !!d);
      return { ...a, lastReminder: dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null };
    });
  });
}

export async function dunningLetter(
  database: Database,
  caller: FamilyCaller,
  accountId: string,
  now = new Date(),
): Promise<{ pdf: Buffer; arrears: HouseholdArrears<InvoiceRow> }> {
  const actor = caller.actor;
  if (!canManageBilling(actor) || !isUuid(accountId)) throw INVOICE_NOT_FOUND();
  const communeId = caller.commune.id;
  const arrears = await withTenant(database, communeId, async (tx) => {
    const household = arrearsOf(await unpaidInvoices(tx, communeId), now).find((a) => a.accountId === accountId);
    if (!household) throw INVOICE_NOT_FOUND();
    const ids = household.invoices.map((i) => i.id);
    const reminders = await lastReminders(tx, communeId, ids);
    const today = parisDateOf(now);
    const fresh = household.invoices.filter((i) => {
      const last = reminders.get(i.id);
      return !last || parisDateOf(last) !== today;
    });
    await insertInvoiceEvents(
      tx,
      fresh.map((i) => ({
        communeId,
        invoiceId: i.id,
        kind: 'relance' as const,
        detail: `Lettre de relance : ${formatEuros(household.owedCents)} restaient dus par le foyer.`,
        createdBy: actor.accountId,
      })),
    );
    if (fresh.length > 0) {
      await recordAudit(tx, {
        action: 'family.dunning_letters',
        actorType: 'agent',
        actorId: actor.accountId,
        targetType: 'account',
        targetId: accountId,
        data: { invoices: household.invoices.map((i) => i.number).join(', '), owedCents: household.owedCents },
        requestId: caller.httpRequestId ?? null,
      });
    }
    return household;
  });
  return { pdf: await dunningPdf(caller.commune.name, arrears, now), arrears };
}
