/**
 * The monthly billing run of a commune (an administrator), for a month that is over: one invoice per paying guardian (the
 * account that enrolled the children) for the month's booked and pointed days, priced with the
 * grid in force on the month's first day at the household's QF on that day (a QF change applies
 * from the next month, without retroactivity), numbered in the commune's yearly sequence.
 *
 * Idempotent: a guardian already invoiced for the month is skipped (and the table's unique key
 * on commune, month and account refuses a second invoice), so a run interrupted halfway and run
 * again bills nobody twice. A month with nothing to bill issues no invoice.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { accountContact } from '../../identity/index.js';
import { type ChildActivityMonth, invoiceOf } from '../billing/rules.js';
import { canManageBilling } from '../policy.js';
import {
  bookingsBetween,
  gridsInForce,
  householdQfOn,
  insertInvoice,
  invoicedAccounts,
  listActivities,
  nextInvoiceNumber,
} from '../repo.js';
import { monthDays } from '../reservations/days.js';
import type { FamilyCaller } from './common.js';

const schema = z.object({ mois: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Choisissez un mois (AAAA-MM).') });

export interface BillingRunResult {
  issued: number;
  alreadyBilled: number;
  nothingToBill: number;
  totalCents: number;
  /** Activities with bookings but no grid in force: their days are not billed. */
  withoutGrid: string[];
}

export async function runMonthlyBilling(
  database: Database,
  caller: FamilyCaller,
  input: { mois: string },
  now: Date = new Date(),
): Promise<BillingRunResult> {
  const actor = caller.actor;
  if (!canManageBilling(actor)) throw notFound('family.forbidden', 'not an administrator');
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError('family.billing_invalid', 'invalid month', 422, {
      fields: { mois: 'Choisissez un mois (AAAA-MM).' },
    });
  }
  const month = parsed.data.mois;
  if (month >= parisDateOf(now).slice(0, 7)) {
    throw new AppError('family.billing_future', 'month not over', 422, {
      fields: { mois: 'Ce mois n’est pas terminé : on facture un mois une fois les présences pointées.' },
    });
  }
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const result = await billMonth(tx, communeId, month);
    await recordAudit(tx, {
      action: 'family.billing_run',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: { month, ...result, withoutGrid: result.withoutGrid.join(', ') },
      requestId: caller.httpRequestId ?? null,
    });
    return result;
  });
}

/**
 * Bills a month in the caller's transaction (the run's core, shared with the demo): skips the
 * guardians already invoiced for it.
 */
export async function billMonth(tx: Tx, communeId: string, month: string): Promise<BillingRunResult> {
  const days = monthDays(month);
  const first = days[0]!;
  const [activities, grids, bookings, done] = await Promise.all([
    listActivities(tx, communeId),
    gridsInForce(tx, communeId, first),
    bookingsBetween(tx, communeId, first, days.at(-1)!),
    invoicedAccounts(tx, communeId, month),
  ]);
  const result: BillingRunResult = { issued: 0, alreadyBilled: 0, nothingToBill: 0, totalCents: 0, withoutGrid: [] };
  const byAccount = new Map<string, typeof bookings>();
  for (const b of bookings) byAccount.set(b.accountId, [...(byAccount.get(b.accountId) ?? []), b]);
  for (const [accountId, rows] of byAccount) {
    if (done.has(accountId)) {
      result.alreadyBilled += 1;
      continue;
    }
    const months: ChildActivityMonth[] = [];
    for (const activity of activities) {
      const ofActivity = rows.filter((r) => r.activityId === activity.id);
      if (ofActivity.length === 0) continue;
      const grid = grids.find((g) => g.activityId === activity.id);
      if (!grid) {
        if (!result.withoutGrid.includes(activity.name)) result.withoutGrid.push(activity.name);
        continue;
      }
      // Rank of each child in the activity: the eldest first (sibling reduction from the second).
      const children = [...new Map(ofActivity.map((r) => [r.childId, r])).values()].sort(
        (a, b) => a.childBirthDate.localeCompare(b.childBirthDate) || a.childId.localeCompare(b.childId),
      );
      children.forEach((child, i) => {
        months.push({
          childName: child.childName,
          activityName: activity.name,
          unit: activity.unit,
          tariff: grid.rules,
          billing: {
            billUnjustifiedAbsence: activity.billUnjustifiedAbsence,
            unbookedSurchargePercent: activity.unbookedSurchargePercent,
          },
          childRank: i + 1,
          days: ofActivity
            .filter((r) => r.childId === child.childId)
            .map((r) => ({ day: r.day, booked: r.booked, attendance: r.attendance })),
        });
      });
    }
    const household = (await householdQfOn(tx, communeId, accountId, first)) ?? { qf: null, resident: true };
    const { lines, totalCents } = invoiceOf(months, household);
    if (lines.length === 0) {
      result.nothingToBill += 1;
      continue;
    }
    const payer = await accountContact(tx, accountId);
    await insertInvoice(
      tx,
      {
        communeId,
        number: await nextInvoiceNumber(tx, communeId, Number(month.slice(0, 4))),
        month,
        accountId,
        payerName: payer ? `${payer.givenName} ${payer.familyName}` : 'Responsable légal',
        totalCents,
      },
      lines,
    );
    result.issued += 1;
    result.totalCents += totalCents;
  }
  return result;
}
