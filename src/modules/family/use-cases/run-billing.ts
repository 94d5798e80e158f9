/**
 * The monthly billing run of a commune (an administrator), for a month that is over: one invoice per paying guardian (the
 * account that enrolled the children) for the month's booked and pointed days, priced with the
 * grid in force on the month's first day at the household's QF on that day (a QF change applies
 * from the next month, without retroactivity), numbered in the commune's yearly sequence.
 *
 * At scale (decision 0048): the guardians are taken in pages of `BILLING_BATCH` by account id,
 * each page in its own transaction — the sequence row locked first, then the page's guardians
 * not yet invoiced, their days grouped in SQL, their QF and names in one query each, their
 * invoices and lines inserted in multi-row statements. Memory holds one page, whatever the
 * commune's size.
 *
 * Idempotent: a guardian already invoiced for the month is never in a page (and the table's
 * unique key on commune, month and account refuses a second invoice), so a run interrupted
 * halfway — its committed pages kept — and run again bills the others and nobody twice, and the
 * numbers follow on without a gap. A month with nothing to bill issues no invoice.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { accountNames } from '../../identity/index.js';
import { type ChildActivityMonth, invoiceOf } from '../billing/rules.js';
import { canManageBilling } from '../policy.js';
import {
  accountsToBill,
  countBilledAccounts,
  type DayTallyRow,
  dayTallies,
  gridsInForce,
  householdQfsOn,
  insertInvoices,
  listActivities,
  lockInvoiceSequence,
  type NewInvoice,
  takeInvoiceNumbers,
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
  const result = await billMonthInBatches(database, communeId, month);
  await withTenant(database, communeId, (tx) =>
    recordAudit(tx, {
      action: 'family.billing_run',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: { month, ...result, withoutGrid: result.withoutGrid.join(', ') },
      requestId: caller.httpRequestId ?? null,
    }),
  );
  return result;
}

/** Guardians billed per page (and per transaction in `billMonthInBatches`). */
export const BILLING_BATCH = 500;

export interface BatchOptions {
  batchSize?: number;
  /** Called after each committed page (the benchmark samples memory; a test interrupts the run). */
  afterBatch?: (page: number, result: BillingRunResult) => void | Promise<void>;
}

const emptyResult = (): BillingRunResult => ({
  issued: 0,
  alreadyBilled: 0,
  nothingToBill: 0,
  totalCents: 0,
  withoutGrid: [],
});

function addInto(total: BillingRunResult, page: BillingRunResult): void {
  total.issued += page.issued;
  total.nothingToBill += page.nothingToBill;
  total.totalCents += page.totalCents;
  for (const name of page.withoutGrid) if (!total.withoutGrid.includes(name)) total.withoutGrid.push(name);
}

/** Bills a month page after page, one transaction per page (the administrators' run). */
export async function billMonthInBatches(
  database: Database,
  communeId: string,
  month: string,
  options: BatchOptions = {},
): Promise<BillingRunResult> {
  const period = periodOf(month);
  const result = emptyResult();
  result.alreadyBilled = await withTenant(database, communeId, (tx) =>
    countBilledAccounts(tx, communeId, month, period),
  );
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const cursor: string | null = after;
    const outcome: PageOutcome = await withTenant(database, communeId, (tx) =>
      billPage(tx, communeId, month, cursor, options.batchSize ?? BILLING_BATCH),
    );
    if (outcome.last === null) break;
    addInto(result, outcome.result);
    after = outcome.last;
    await options.afterBatch?.(page, result);
  }
  return result;
}

/**
 * Bills a month in the caller's transaction (the demo's seed, tests), page after page: skips
 * the guardians already invoiced for it.
 */
export async function billMonth(
  tx: Tx,
  communeId: string,
  month: string,
  options: Pick<BatchOptions, 'batchSize'> = {},
): Promise<BillingRunResult> {
  const result = emptyResult();
  result.alreadyBilled = await countBilledAccounts(tx, communeId, month, periodOf(month));
  let after: string | null = null;
  for (;;) {
    const outcome: PageOutcome = await billPage(tx, communeId, month, after, options.batchSize ?? BILLING_BATCH);
    if (outcome.last === null) break;
    addInto(result, outcome.result);
    after = outcome.last;
  }
  return result;
}

function periodOf(month: string): { from: string; to: string } {
  const days = monthDays(month);
  return { from: days[0]!, to: days.at(-1)! };
}

interface PageOutcome {
  result: BillingRunResult;
  last: string | null;
}

/** One page: the next `limit` guardians after `after` not yet invoiced; `last` null when none is left. */
async function billPage(
  tx: Tx,
  communeId: string,
  month: string,
  after: string | null,
  limit: number,
): Promise<PageOutcome> {
  const period = periodOf(month);
  const year = Number(month.slice(0, 4));
  // The sequence row first: a concurrent run waits here, then sees this page's invoices.
  const lastNumber = await lockInvoiceSequence(tx, communeId, year);
  const accountIds = await accountsToBill(tx, communeId, month, period, after, limit);
  const result = emptyResult();
  if (accountIds.length === 0) return { result, last: null };
  // One after the other: a transaction is one connection (pg warns of overlapping queries).
  const activities = await listActivities(tx, communeId);
  const grids = await gridsInForce(tx, communeId, period.from);
  const tallies = await dayTallies(tx, communeId, accountIds, period);
  const qfs = await householdQfsOn(tx, communeId, accountIds, period.from);
  const names = await accountNames(tx, accountIds);
  const byAccount = new Map<string, DayTallyRow[]>();
  for (const t of tallies) {
    const list = byAccount.get(t.accountId);
    if (list) list.push(t);
    else byAccount.set(t.accountId, [t]);
  }
  const drafts: Array<Omit<NewInvoice, 'number'>> = [];
  for (const accountId of accountIds) {
    const rows = byAccount.get(accountId) ?? [];
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
            .map((r) => ({ booked: r.booked, attendance: r.attendance, count: r.days })),
        });
      });
    }
    const { lines, totalCents } = invoiceOf(months, qfs.get(accountId) ?? { qf: null, resident: true });
    if (lines.length === 0) {
      result.nothingToBill += 1;
      continue;
    }
    const payer = names.get(accountId);
    const payerName = payer ? `${payer.givenName} ${payer.familyName}`.trim() : '';
    drafts.push({
      communeId,
      month,
      accountId,
      payerName: payerName === '' ? 'Responsable légal' : payerName.slice(0, 401),
      totalCents,
      lines,
    });
    result.issued += 1;
    result.totalCents += totalCents;
  }
  const numbers = await takeInvoiceNumbers(tx, communeId, year, lastNumber, drafts.length);
  await insertInvoices(
    tx,
    drafts.map((d, i) => ({ ...d, number: numbers[i]! })),
  );
  return { result, last: accountIds.at(-1)! };
}
