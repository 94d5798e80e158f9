/** The family portal's queries (tenant transactions only: RLS applies on top of the filters). */
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type ActivityRow,
  type AttendanceValue,
  type BookingRow,
  type CancellationRow,
  type ClosedDayRow,
  type CreditNoteRow,
  type EnrolmentRow,
  type EnrolmentStatus,
  familyActivity,
  familyBooking,
  familyCancellation,
  familyClosedDay,
  familyCreditNote,
  familyEnrolment,
  familyHeliosSettings,
  familyHouseholdQf,
  familyInvoice,
  familyInvoiceEvent,
  familyInvoiceLine,
  familyInvoiceSequence,
  familyPayment,
  familyPaymentSettings,
  familyRole,
  familyTariffGrid,
  type HeliosSettingsRow,
  type InvoiceEventKind,
  type InvoiceEventRow,
  type InvoiceLineRow,
  type InvoiceRow,
  type PaymentRow,
  type PaymentStatus,
  type RoleRow,
  type TariffGridRow,
} from './schema.js';
import type { TariffRules } from './tariffs/pricing.js';

export function listActivities(tx: Tx, communeId: string): Promise<ActivityRow[]> {
  return tx.db
    .select()
    .from(familyActivity)
    .where(eq(familyActivity.communeId, communeId))
    .orderBy(asc(familyActivity.position), asc(familyActivity.name));
}

export async function findActivity(tx: Tx, communeId: string, id: string): Promise<ActivityRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyActivity)
    .where(and(eq(familyActivity.communeId, communeId), eq(familyActivity.id, id)))
    .for('update');
  return row;
}

export async function activitySlugTaken(tx: Tx, communeId: string, slug: string): Promise<boolean> {
  const rows = await tx.db
    .select({ id: familyActivity.id })
    .from(familyActivity)
    .where(and(eq(familyActivity.communeId, communeId), eq(familyActivity.slug, slug)));
  return rows.length > 0;
}

export async function insertActivity(
  tx: Tx,
  row: { communeId: string; slug: string; name: string; unit: string; position: number },
): Promise<ActivityRow> {
  const [inserted] = await tx.db
    .insert(familyActivity)
    .values({ id: uuidv7(), ...row })
    .returning();
  return inserted!;
}

/** Every grid of the commune, newest version first per activity. */
export function listGrids(tx: Tx, communeId: string): Promise<TariffGridRow[]> {
  return tx.db
    .select()
    .from(familyTariffGrid)
    .where(eq(familyTariffGrid.communeId, communeId))
    .orderBy(asc(familyTariffGrid.activityId), desc(familyTariffGrid.validFrom));
}

/** The grids in force on `date` (ISO), one per activity at most. */
export function gridsInForce(tx: Tx, communeId: string, date: string): Promise<TariffGridRow[]> {
  return tx.db
    .select()
    .from(familyTariffGrid)
    .where(
      and(
        eq(familyTariffGrid.communeId, communeId),
        lte(familyTariffGrid.validFrom, date),
        or(isNull(familyTariffGrid.validTo), gte(familyTariffGrid.validTo, date)),
      ),
    );
}

export async function latestGrid(tx: Tx, communeId: string, activityId: string): Promise<TariffGridRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyTariffGrid)
    .where(and(eq(familyTariffGrid.communeId, communeId), eq(familyTariffGrid.activityId, activityId)))
    .orderBy(desc(familyTariffGrid.validFrom))
    .limit(1);
  return row;
}

export async function closeGrid(tx: Tx, communeId: string, id: string, validTo: string): Promise<void> {
  await tx.db
    .update(familyTariffGrid)
    .set({ validTo })
    .where(and(eq(familyTariffGrid.communeId, communeId), eq(familyTariffGrid.id, id)));
}

export async function insertGrid(
  tx: Tx,
  row: {
    communeId: string;
    activityId: string;
    validFrom: string;
    rules: TariffRules;
    source: string;
    createdBy: string | null;
  },
): Promise<TariffGridRow> {
  const [inserted] = await tx.db
    .insert(familyTariffGrid)
    .values({ id: uuidv7(), validTo: null, ...row })
    .returning();
  return inserted!;
}

// — Enrolments —

export async function updateActivitySettings(
  tx: Tx,
  communeId: string,
  id: string,
  values: { openForEnrolment: boolean; capacity: number | null; offerDays: number },
): Promise<void> {
  await tx.db
    .update(familyActivity)
    .set(values)
    .where(and(eq(familyActivity.communeId, communeId), eq(familyActivity.id, id)));
}

/** Enrolled children and places on offer: the places taken. */
export async function placesTaken(tx: Tx, communeId: string, activityId: string): Promise<number> {
  const [row] = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(familyEnrolment)
    .where(
      and(
        eq(familyEnrolment.communeId, communeId),
        eq(familyEnrolment.activityId, activityId),
        inArray(familyEnrolment.status, ['inscrit', 'place_proposee']),
      ),
    );
  return row?.n ?? 0;
}

export async function liveEnrolmentOf(
  tx: Tx,
  communeId: string,
  activityId: string,
  childId: string,
): Promise<EnrolmentRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyEnrolment)
    .where(
      and(
        eq(familyEnrolment.communeId, communeId),
        eq(familyEnrolment.activityId, activityId),
        eq(familyEnrolment.childId, childId),
        inArray(familyEnrolment.status, ['inscrit', 'en_attente', 'place_proposee']),
      ),
    );
  return row;
}

export async function insertEnrolment(
  tx: Tx,
  row: Omit<EnrolmentRow, 'id' | 'requestedAt' | 'updatedAt' | 'offeredUntil'> & { offeredUntil?: Date | null },
): Promise<EnrolmentRow> {
  const [inserted] = await tx.db
    .insert(familyEnrolment)
    .values({ id: uuidv7(), offeredUntil: null, ...row })
    .returning();
  return inserted!;
}

export async function findEnrolment(tx: Tx, communeId: string, id: string): Promise<EnrolmentRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyEnrolment)
    .where(and(eq(familyEnrolment.communeId, communeId), eq(familyEnrolment.id, id)))
    .for('update');
  return row;
}

export async function setEnrolmentStatus(
  tx: Tx,
  communeId: string,
  id: string,
  status: EnrolmentStatus,
  offeredUntil: Date | null = null,
): Promise<void> {
  await tx.db
    .update(familyEnrolment)
    .set({ status, offeredUntil, updatedAt: new Date() })
    .where(and(eq(familyEnrolment.communeId, communeId), eq(familyEnrolment.id, id)));
}

/** The first family in line for the activity (by the time it asked). */
export async function firstInLine(tx: Tx, communeId: string, activityId: string): Promise<EnrolmentRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyEnrolment)
    .where(
      and(
        eq(familyEnrolment.communeId, communeId),
        eq(familyEnrolment.activityId, activityId),
        eq(familyEnrolment.status, 'en_attente'),
      ),
    )
    .orderBy(asc(familyEnrolment.requestedAt), asc(familyEnrolment.id))
    .limit(1);
  return row;
}

export function listEnrolmentsOfActivity(tx: Tx, communeId: string, activityId: string): Promise<EnrolmentRow[]> {
  return tx.db
    .select()
    .from(familyEnrolment)
    .where(and(eq(familyEnrolment.communeId, communeId), eq(familyEnrolment.activityId, activityId)))
    .orderBy(asc(familyEnrolment.requestedAt), asc(familyEnrolment.id));
}

export function listEnrolmentsOfAccount(tx: Tx, communeId: string, accountId: string): Promise<EnrolmentRow[]> {
  return tx.db
    .select()
    .from(familyEnrolment)
    .where(and(eq(familyEnrolment.communeId, communeId), eq(familyEnrolment.accountId, accountId)))
    .orderBy(desc(familyEnrolment.updatedAt));
}

/** Offers past their deadline, oldest first (the expiry job). */
export function expiredOffers(tx: Tx, communeId: string, now: Date): Promise<EnrolmentRow[]> {
  return tx.db
    .select()
    .from(familyEnrolment)
    .where(
      and(
        eq(familyEnrolment.communeId, communeId),
        eq(familyEnrolment.status, 'place_proposee'),
        lt(familyEnrolment.offeredUntil, now),
      ),
    )
    .orderBy(asc(familyEnrolment.offeredUntil));
}

// — Days and bookings (migration 0026) —

export function closedDaysBetween(
  tx: Tx,
  communeId: string,
  activityId: string,
  from: string,
  to: string,
): Promise<ClosedDayRow[]> {
  return tx.db
    .select()
    .from(familyClosedDay)
    .where(
      and(
        eq(familyClosedDay.communeId, communeId),
        or(isNull(familyClosedDay.activityId), eq(familyClosedDay.activityId, activityId)),
        gte(familyClosedDay.day, from),
        lte(familyClosedDay.day, to),
      ),
    )
    .orderBy(asc(familyClosedDay.day));
}

export async function insertClosedDay(
  tx: Tx,
  row: { communeId: string; activityId: string | null; day: string; label: string },
): Promise<void> {
  await tx.db.insert(familyClosedDay).values({ id: uuidv7(), ...row });
}

export function childBookingsBetween(
  tx: Tx,
  communeId: string,
  activityId: string,
  childId: string,
  from: string,
  to: string,
): Promise<BookingRow[]> {
  return tx.db
    .select()
    .from(familyBooking)
    .where(
      and(
        eq(familyBooking.communeId, communeId),
        eq(familyBooking.activityId, activityId),
        eq(familyBooking.childId, childId),
        gte(familyBooking.day, from),
        lte(familyBooking.day, to),
      ),
    )
    .orderBy(asc(familyBooking.day));
}

/** Books a day (a row booked), or cancels it (the row goes, unless an agent already pointed it). */
export async function setBooked(tx: Tx, enrolment: EnrolmentRow, day: string, booked: boolean): Promise<void> {
  const key = and(
    eq(familyBooking.communeId, enrolment.communeId),
    eq(familyBooking.activityId, enrolment.activityId),
    eq(familyBooking.childId, enrolment.childId),
    eq(familyBooking.day, day),
  );
  if (!booked) {
    await tx.db.delete(familyBooking).where(and(key, isNull(familyBooking.attendance)));
    await tx.db.update(familyBooking).set({ booked: false, updatedAt: new Date() }).where(key);
    return;
  }
  await tx.db
    .insert(familyBooking)
    .values({
      id: uuidv7(),
      communeId: enrolment.communeId,
      activityId: enrolment.activityId,
      enrolmentId: enrolment.id,
      accountId: enrolment.accountId,
      childId: enrolment.childId,
      day,
      booked: true,
    })
    .onConflictDoUpdate({
      target: [familyBooking.communeId, familyBooking.activityId, familyBooking.childId, familyBooking.day],
      set: { booked: true, updatedAt: new Date() },
    });
}

export function bookingsOfDay(tx: Tx, communeId: string, activityId: string, day: string): Promise<BookingRow[]> {
  return tx.db
    .select()
    .from(familyBooking)
    .where(
      and(eq(familyBooking.communeId, communeId), eq(familyBooking.activityId, activityId), eq(familyBooking.day, day)),
    );
}

/** Points a child on a day; a child pointed without a booking gets a row not booked. */
export async function setAttendance(
  tx: Tx,
  enrolment: EnrolmentRow,
  day: string,
  attendance: AttendanceValue | null,
  checkedBy: string,
): Promise<void> {
  const key = and(
    eq(familyBooking.communeId, enrolment.communeId),
    eq(familyBooking.activityId, enrolment.activityId),
    eq(familyBooking.childId, enrolment.childId),
    eq(familyBooking.day, day),
  );
  const now = new Date();
  if (attendance === null) {
    await tx.db.delete(familyBooking).where(and(key, eq(familyBooking.booked, false)));
    await tx.db.update(familyBooking).set({ attendance: null, checkedBy, checkedAt: now, updatedAt: now }).where(key);
    return;
  }
  await tx.db
    .insert(familyBooking)
    .values({
      id: uuidv7(),
      communeId: enrolment.communeId,
      activityId: enrolment.activityId,
      enrolmentId: enrolment.id,
      accountId: enrolment.accountId,
      childId: enrolment.childId,
      day,
      booked: false,
      attendance,
      checkedBy,
      checkedAt: now,
    })
    .onConflictDoUpdate({
      target: [familyBooking.communeId, familyBooking.activityId, familyBooking.childId, familyBooking.day],
      set: { attendance, checkedBy, checkedAt: now, updatedAt: now },
    });
}

/**
 * The billing run's next page of paying guardians (decision 0048): accounts with a booked or
 * pointed day in the period and no invoice for the month yet, after `after` in account-id order,
 * at most `limit`. Read after the sequence row is locked, so a concurrent run's committed
 * invoices are seen and skipped.
 */
export async function accountsToBill(
  tx: Tx,
  communeId: string,
  month: string,
  period: { from: string; to: string },
  after: string | null,
  limit: number,
): Promise<string[]> {
  const rows = await tx.db
    .selectDistinct({ accountId: familyBooking.accountId })
    .from(familyBooking)
    .where(
      and(
        eq(familyBooking.communeId, communeId),
        gte(familyBooking.day, period.from),
        lte(familyBooking.day, period.to),
        after === null ? undefined : sql`${familyBooking.accountId} > ${after}`,
        sql`NOT EXISTS (SELECT 1 FROM family_invoice i WHERE i.commune_id = ${communeId} AND i.month = ${month} AND i.account_id = ${familyBooking.accountId})`,
      ),
    )
    .orderBy(asc(familyBooking.accountId))
    .limit(limit);
  return rows.map((r) => r.accountId);
}

/** Paying guardians with days in the period who already have the month's invoice. */
export async function countBilledAccounts(
  tx: Tx,
  communeId: string,
  month: string,
  period: { from: string; to: string },
): Promise<number> {
  const [row] = await tx.db
    .select({ n: sql<number>`count(DISTINCT ${familyBooking.accountId})::int` })
    .from(familyBooking)
    .where(
      and(
        eq(familyBooking.communeId, communeId),
        gte(familyBooking.day, period.from),
        lte(familyBooking.day, period.to),
        sql`EXISTS (SELECT 1 FROM family_invoice i WHERE i.commune_id = ${communeId} AND i.month = ${month} AND i.account_id = ${familyBooking.accountId})`,
      ),
    );
  return row?.n ?? 0;
}

export interface DayTallyRow {
  accountId: string;
  activityId: string;
  childId: string;
  childName: string;
  childBirthDate: string;
  booked: boolean;
  attendance: AttendanceValue | null;
  days: number;
}

/**
 * The days of these guardians' children in the period, grouped in SQL by child, activity and
 * state (booked or not, how pointed): a handful of rows per child instead of one per day.
 */
export function dayTallies(
  tx: Tx,
  communeId: string,
  accountIds: readonly string[],
  period: { from: string; to: string },
): Promise<DayTallyRow[]> {
  if (accountIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select({
      accountId: familyBooking.accountId,
      activityId: familyBooking.activityId,
      childId: familyBooking.childId,
      childName: sql<string>`min(${familyEnrolment.childName})`,
      childBirthDate: sql<string>`min(${familyEnrolment.childBirthDate})::text`,
      booked: familyBooking.booked,
      attendance: familyBooking.attendance,
      days: sql<number>`count(*)::int`,
    })
    .from(familyBooking)
    .innerJoin(
      familyEnrolment,
      and(eq(familyEnrolment.communeId, familyBooking.communeId), eq(familyEnrolment.id, familyBooking.enrolmentId)),
    )
    .where(
      and(
        eq(familyBooking.communeId, communeId),
        inArray(familyBooking.accountId, [...accountIds]),
        gte(familyBooking.day, period.from),
        lte(familyBooking.day, period.to),
      ),
    )
    .groupBy(
      familyBooking.accountId,
      familyBooking.activityId,
      familyBooking.childId,
      familyBooking.booked,
      familyBooking.attendance,
    );
}

export async function updateDaySettings(
  tx: Tx,
  communeId: string,
  id: string,
  values: Partial<
    Pick<ActivityRow, 'weekdays' | 'cutoffDays' | 'cutoffHour' | 'billUnjustifiedAbsence' | 'unbookedSurchargePercent'>
  >,
): Promise<void> {
  await tx.db
    .update(familyActivity)
    .set(values)
    .where(and(eq(familyActivity.communeId, communeId), eq(familyActivity.id, id)));
}

// — Household QF, invoices —

export async function householdQfOn(
  tx: Tx,
  communeId: string,
  accountId: string,
  date: string,
): Promise<{ qf: number | null; resident: boolean; source: string } | undefined> {
  const [row] = await tx.db
    .select({ qf: familyHouseholdQf.qf, resident: familyHouseholdQf.resident, source: familyHouseholdQf.source })
    .from(familyHouseholdQf)
    .where(
      and(
        eq(familyHouseholdQf.communeId, communeId),
        eq(familyHouseholdQf.accountId, accountId),
        lte(familyHouseholdQf.validFrom, date),
      ),
    )
    .orderBy(desc(familyHouseholdQf.validFrom), desc(familyHouseholdQf.createdAt))
    .limit(1);
  return row;
}

/** The QF retained on `date` for each of these guardians (the latest started that day). */
export async function householdQfsOn(
  tx: Tx,
  communeId: string,
  accountIds: readonly string[],
  date: string,
): Promise<Map<string, { qf: number | null; resident: boolean }>> {
  if (accountIds.length === 0) return new Map();
  const rows = await tx.db
    .selectDistinctOn([familyHouseholdQf.accountId], {
      accountId: familyHouseholdQf.accountId,
      qf: familyHouseholdQf.qf,
      resident: familyHouseholdQf.resident,
    })
    .from(familyHouseholdQf)
    .where(
      and(
        eq(familyHouseholdQf.communeId, communeId),
        inArray(familyHouseholdQf.accountId, [...accountIds]),
        lte(familyHouseholdQf.validFrom, date),
      ),
    )
    .orderBy(asc(familyHouseholdQf.accountId), desc(familyHouseholdQf.validFrom), desc(familyHouseholdQf.createdAt));
  return new Map(rows.map((r) => [r.accountId, { qf: r.qf, resident: r.resident }]));
}

export async function insertHouseholdQf(
  tx: Tx,
  row: {
    communeId: string;
    accountId: string;
    qf: number | null;
    resident: boolean;
    source: string;
    validFrom: string;
  },
): Promise<void> {
  await tx.db.insert(familyHouseholdQf).values({ id: uuidv7(), ...row });
}

/**
 * Locks the commune's invoice sequence row for the year (created at 0 if new): billing batches,
 * whatever run they belong to, number invoices one after the other, without gaps.
 */
export async function lockInvoiceSequence(tx: Tx, communeId: string, year: number): Promise<number> {
  await tx.db.insert(familyInvoiceSequence).values({ communeId, year, lastNumber: 0 }).onConflictDoNothing();
  const [row] = await tx.db
    .select({ n: familyInvoiceSequence.lastNumber })
    .from(familyInvoiceSequence)
    .where(and(eq(familyInvoiceSequence.communeId, communeId), eq(familyInvoiceSequence.year, year)))
    .for('update');
  return row!.n;
}

/** Takes `count` numbers after `last` (the value `lockInvoiceSequence` returned): « AAAA-NNNNNN ». */
export async function takeInvoiceNumbers(
  tx: Tx,
  communeId: string,
  year: number,
  last: number,
  count: number,
): Promise<string[]> {
  if (count === 0) return [];
  await tx.db
    .update(familyInvoiceSequence)
    .set({ lastNumber: last + count })
    .where(and(eq(familyInvoiceSequence.communeId, communeId), eq(familyInvoiceSequence.year, year)));
  return Array.from({ length: count }, (_, i) => `${year}-${String(last + i + 1).padStart(6, '0')}`);
}

export type NewInvoice = Pick<
  InvoiceRow,
  'communeId' | 'number' | 'month' | 'accountId' | 'payerName' | 'totalCents'
> & {
  lines: ReadonlyArray<Omit<InvoiceLineRow, 'id' | 'communeId' | 'invoiceId' | 'position'>>;
};

/**
 * Inserts invoices and their lines in two statements, whatever their number: each column goes as
 * one array parameter, `unnest` turns them back into rows (no statement grows with the rows, no
 * 65 535-parameter limit, nothing built row by row in JavaScript).
 */
export async function insertInvoices(tx: Tx, invoices: readonly NewInvoice[]): Promise<void> {
  if (invoices.length === 0) return;
  const ids = invoices.map(() => uuidv7());
  await tx.client.query(
    `INSERT INTO family_invoice (id, commune_id, number, month, account_id, payer_name, total_cents, status)
     SELECT id, commune_id, number, month, account_id, payer_name, total_cents, 'a_payer'
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::int[])
         AS t(id, commune_id, number, month, account_id, payer_name, total_cents)`,
    [
      ids,
      invoices.map((i) => i.communeId),
      invoices.map((i) => i.number),
      invoices.map((i) => i.month),
      invoices.map((i) => i.accountId),
      invoices.map((i) => i.payerName),
      invoices.map((i) => i.totalCents),
    ],
  );
  const lines = invoices.flatMap((invoice, n) =>
    invoice.lines.map((l, position) => ({ ...l, invoiceId: ids[n]!, communeId: invoice.communeId, position })),
  );
  if (lines.length === 0) return;
  await tx.client.query(
    `INSERT INTO family_invoice_line
       (id, commune_id, invoice_id, position, child_name, activity_name, label, quantity, unit_cents, amount_cents, explanation)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[],
                          $8::int[], $9::int[], $10::int[], $11::text[])`,
    [
      lines.map(() => uuidv7()),
      lines.map((l) => l.communeId),
      lines.map((l) => l.invoiceId),
      lines.map((l) => l.position),
      lines.map((l) => l.childName),
      lines.map((l) => l.activityName),
      lines.map((l) => l.label),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitCents),
      lines.map((l) => l.amountCents),
      lines.map((l) => l.explanation),
    ],
  );
}

export function listInvoicesOfAccount(tx: Tx, communeId: string, accountId: string): Promise<InvoiceRow[]> {
  return tx.db
    .select()
    .from(familyInvoice)
    .where(and(eq(familyInvoice.communeId, communeId), eq(familyInvoice.accountId, accountId)))
    .orderBy(desc(familyInvoice.month), desc(familyInvoice.number));
}

export function listInvoices(tx: Tx, communeId: string): Promise<InvoiceRow[]> {
  return tx.db
    .select()
    .from(familyInvoice)
    .where(eq(familyInvoice.communeId, communeId))
    .orderBy(desc(familyInvoice.month), asc(familyInvoice.number))
    .limit(500);
}

export async function findInvoice(
  tx: Tx,
  communeId: string,
  id: string,
  lock = false,
): Promise<InvoiceRow | undefined> {
  const query = tx.db
    .select()
    .from(familyInvoice)
    .where(and(eq(familyInvoice.communeId, communeId), eq(familyInvoice.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export function invoiceLines(tx: Tx, communeId: string, invoiceId: string): Promise<InvoiceLineRow[]> {
  return tx.db
    .select()
    .from(familyInvoiceLine)
    .where(and(eq(familyInvoiceLine.communeId, communeId), eq(familyInvoiceLine.invoiceId, invoiceId)))
    .orderBy(asc(familyInvoiceLine.position));
}

export async function markInvoicePaid(tx: Tx, communeId: string, id: string, at: Date): Promise<boolean> {
  const rows = await tx.db
    .update(familyInvoice)
    .set({ status: 'payee', paidAt: at })
    .where(and(eq(familyInvoice.communeId, communeId), eq(familyInvoice.id, id), eq(familyInvoice.status, 'a_payer')))
    .returning({ id: familyInvoice.id });
  return rows.length === 1;
}

// — Payments —

export async function paymentSettings(
  tx: Tx,
  communeId: string,
): Promise<{ payfipNumcli: string | null; payfipSaisie: 'T' | 'X' | 'W' }> {
  const [row] = await tx.db.select().from(familyPaymentSettings).where(eq(familyPaymentSettings.communeId, communeId));
  return { payfipNumcli: row?.payfipNumcli ?? null, payfipSaisie: row?.payfipSaisie ?? 'T' };
}

export async function savePaymentSettings(
  tx: Tx,
  communeId: string,
  values: { payfipNumcli: string | null; payfipSaisie: 'T' | 'X' | 'W' },
): Promise<void> {
  await tx.db
    .insert(familyPaymentSettings)
    .values({ communeId, ...values })
    .onConflictDoUpdate({ target: familyPaymentSettings.communeId, set: { ...values, updatedAt: new Date() } });
}

export async function insertPayment(
  tx: Tx,
  row: Pick<PaymentRow, 'communeId' | 'invoiceId' | 'idOp' | 'refdet' | 'amountCents'>,
): Promise<PaymentRow> {
  const [inserted] = await tx.db
    .insert(familyPayment)
    .values({ id: uuidv7(), provider: 'payfip', status: 'en_cours', ...row })
    .returning();
  return inserted!;
}

export async function findPaymentByOperation(
  tx: Tx,
  communeId: string,
  idOp: string,
  lock = false,
): Promise<PaymentRow | undefined> {
  const query = tx.db
    .select()
    .from(familyPayment)
    .where(
      and(eq(familyPayment.communeId, communeId), eq(familyPayment.provider, 'payfip'), eq(familyPayment.idOp, idOp)),
    );
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export function paymentsOfInvoice(tx: Tx, communeId: string, invoiceId: string): Promise<PaymentRow[]> {
  return tx.db
    .select()
    .from(familyPayment)
    .where(and(eq(familyPayment.communeId, communeId), eq(familyPayment.invoiceId, invoiceId)))
    .orderBy(desc(familyPayment.createdAt));
}

export async function settlePayment(
  tx: Tx,
  communeId: string,
  id: string,
  values: { status: PaymentStatus; resultrans: string | null; numauto: string | null; transactionAt: string | null },
): Promise<void> {
  await tx.db
    .update(familyPayment)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(familyPayment.communeId, communeId), eq(familyPayment.id, id)));
}

// — Hélios, rôles, credit notes and the invoice history (migration 0034) —

export async function heliosSettings(tx: Tx, communeId: string, lock = false): Promise<HeliosSettingsRow | undefined> {
  const query = tx.db.select().from(familyHeliosSettings).where(eq(familyHeliosSettings.communeId, communeId));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function saveHeliosSettings(tx: Tx, values: Omit<HeliosSettingsRow, 'updatedAt'>): Promise<void> {
  await tx.db
    .insert(familyHeliosSettings)
    .values(values)
    .onConflictDoUpdate({ target: familyHeliosSettings.communeId, set: { ...values, updatedAt: new Date() } });
}

export async function findRole(tx: Tx, communeId: string, month: string): Promise<RoleRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyRole)
    .where(and(eq(familyRole.communeId, communeId), eq(familyRole.month, month)));
  return row;
}

export function listRoles(tx: Tx, communeId: string): Promise<Omit<RoleRow, 'xml'>[]> {
  return tx.db
    .select({
      id: familyRole.id,
      communeId: familyRole.communeId,
      month: familyRole.month,
      exer: familyRole.exer,
      idBord: familyRole.idBord,
      pieceCount: familyRole.pieceCount,
      totalCents: familyRole.totalCents,
      createdBy: familyRole.createdBy,
      createdAt: familyRole.createdAt,
      signatureFolderId: familyRole.signatureFolderId,
      signatureStatus: familyRole.signatureStatus,
      signatureReason: familyRole.signatureReason,
      signatureChangedAt: familyRole.signatureChangedAt,
    })
    .from(familyRole)
    .where(eq(familyRole.communeId, communeId))
    .orderBy(desc(familyRole.month))
    .limit(60);
}

/** The month's invoices still to pay and not yet in a rôle, by number. */
export function invoicesForRole(tx: Tx, communeId: string, month: string): Promise<InvoiceRow[]> {
  return tx.db
    .select()
    .from(familyInvoice)
    .where(
      and(
        eq(familyInvoice.communeId, communeId),
        eq(familyInvoice.month, month),
        eq(familyInvoice.status, 'a_payer'),
        isNull(familyInvoice.roleId),
      ),
    )
    .orderBy(asc(familyInvoice.number));
}

export async function insertRole(
  tx: Tx,
  row: Omit<
    RoleRow,
    'id' | 'createdAt' | 'signatureFolderId' | 'signatureStatus' | 'signatureReason' | 'signatureChangedAt'
  >,
): Promise<RoleRow> {
  const [inserted] = await tx.db
    .insert(familyRole)
    .values({ id: uuidv7(), ...row })
    .returning();
  return inserted!;
}

export async function putInRole(tx: Tx, communeId: string, invoiceIds: readonly string[], roleId: string) {
  if (invoiceIds.length === 0) return;
  await tx.db
    .update(familyInvoice)
    .set({ roleId })
    .where(and(eq(familyInvoice.communeId, communeId), inArray(familyInvoice.id, [...invoiceIds])));
}

/** Lines of these invoices, by invoice and position. */
export function linesOfInvoices(tx: Tx, communeId: string, invoiceIds: readonly string[]): Promise<InvoiceLineRow[]> {
  if (invoiceIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(familyInvoiceLine)
    .where(and(eq(familyInvoiceLine.communeId, communeId), inArray(familyInvoiceLine.invoiceId, [...invoiceIds])))
    .orderBy(asc(familyInvoiceLine.invoiceId), asc(familyInvoiceLine.position));
}

export function creditNotesOf(tx: Tx, communeId: string, invoiceIds: readonly string[]): Promise<CreditNoteRow[]> {
  if (invoiceIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(familyCreditNote)
    .where(and(eq(familyCreditNote.communeId, communeId), inArray(familyCreditNote.invoiceId, [...invoiceIds])))
    .orderBy(asc(familyCreditNote.createdAt), asc(familyCreditNote.number));
}

export async function findCreditNote(
  tx: Tx,
  communeId: string,
  invoiceId: string,
  id: string,
): Promise<CreditNoteRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(familyCreditNote)
    .where(
      and(
        eq(familyCreditNote.communeId, communeId),
        eq(familyCreditNote.invoiceId, invoiceId),
        eq(familyCreditNote.id, id),
      ),
    );
  return row;
}

/** Records a credit note and takes it off the invoice: fully credited, the invoice is « annulée ». */
export async function insertCreditNote(
  tx: Tx,
  row: Pick<CreditNoteRow, 'communeId' | 'number' | 'invoiceId' | 'lineId' | 'amountCents' | 'reason' | 'createdBy'>,
): Promise<CreditNoteRow> {
  const [inserted] = await tx.db
    .insert(familyCreditNote)
    .values({ id: uuidv7(), ...row })
    .returning();
  await tx.db
    .update(familyInvoice)
    .set({
      creditedCents: sql`${familyInvoice.creditedCents} + ${row.amountCents}`,
      status: sql`CASE WHEN ${familyInvoice.creditedCents} + ${row.amountCents} = ${familyInvoice.totalCents} THEN 'annulee' ELSE ${familyInvoice.status} END`,
    })
    .where(and(eq(familyInvoice.communeId, row.communeId), eq(familyInvoice.id, row.invoiceId)));
  return inserted!;
}

export async function insertInvoiceEvents(
  tx: Tx,
  rows: ReadonlyArray<{
    communeId: string;
    invoiceId: string;
    kind: InvoiceEventKind;
    detail: string;
    createdBy: string | null;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.db.insert(familyInvoiceEvent).values(rows.map((r) => ({ id: uuidv7(), ...r })));
}

export function invoiceEvents(tx: Tx, communeId: string, invoiceId: string): Promise<InvoiceEventRow[]> {
  return tx.db
    .select()
    .from(familyInvoiceEvent)
    .where(and(eq(familyInvoiceEvent.communeId, communeId), eq(familyInvoiceEvent.invoiceId, invoiceId)))
    .orderBy(asc(familyInvoiceEvent.createdAt), asc(familyInvoiceEvent.id));
}

/** Invoices still the régie's to collect (to pay, not in a rôle): the dunning list's candidates. */
export function unpaidInvoices(tx: Tx, communeId: string): Promise<InvoiceRow[]> {
  return tx.db
    .select()
    .from(familyInvoice)
    .where(
      and(eq(familyInvoice.communeId, communeId), eq(familyInvoice.status, 'a_payer'), isNull(familyInvoice.roleId)),
    )
    .orderBy(asc(familyInvoice.number))
    .limit(10_000);
}

/** The last dunning letter of each of these invoices. */
export async function lastReminders(
  tx: Tx,
  communeId: string,
  invoiceIds: readonly string[],
): Promise<Map<string, Date>> {
  if (invoiceIds.length === 0) return new Map();
  const rows = await tx.db
    .select({ invoiceId: familyInvoiceEvent.invoiceId, at: sql<Date>`max(${familyInvoiceEvent.createdAt})` })
    .from(familyInvoiceEvent)
    .where(
      and(
        eq(familyInvoiceEvent.communeId, communeId),
        eq(familyInvoiceEvent.kind, 'relance'),
        inArray(familyInvoiceEvent.invoiceId, [...invoiceIds]),
      ),
    )
    .groupBy(familyInvoiceEvent.invoiceId);
  return new Map(rows.map((r) => [r.invoiceId, new Date(r.at)]));
}

// — Annulation-réduction bordereaux (migration 0041) —

/** Credit notes on invoices of this rôle not yet sent to the comptable, oldest first. */
export function pendingRoleCredits(tx: Tx, communeId: string, roleId: string): Promise<CreditNoteRow[]> {
  return tx.db
    .select({
      id: familyCreditNote.id,
      communeId: familyCreditNote.communeId,
      number: familyCreditNote.number,
      invoiceId: familyCreditNote.invoiceId,
      lineId: familyCreditNote.lineId,
      amountCents: familyCreditNote.amountCents,
      reason: familyCreditNote.reason,
      createdBy: familyCreditNote.createdBy,
      createdAt: familyCreditNote.createdAt,
      cancellationId: familyCreditNote.cancellationId,
    })
    .from(familyCreditNote)
    .innerJoin(
      familyInvoice,
      and(eq(familyInvoice.communeId, familyCreditNote.communeId), eq(familyInvoice.id, familyCreditNote.invoiceId)),
    )
    .where(
      and(
        eq(familyCreditNote.communeId, communeId),
        eq(familyInvoice.roleId, roleId),
        isNull(familyCreditNote.cancellationId),
      ),
    )
    .orderBy(asc(familyCreditNote.createdAt), asc(familyCreditNote.number))
    .for('update', { of: familyCreditNote });
}

export async function insertCancellation(
  tx: Tx,
  row: Omit<CancellationRow, 'id' | 'createdAt'>,
  creditNoteIds: readonly string[],
): Promise<CancellationRow> {
  const [inserted] = await tx.db
    .insert(familyCancellation)
    .values({ id: uuidv7(), ...row })
    .returning();
  await tx.db
    .update(familyCreditNote)
    .set({ cancellationId: inserted!.id })
    .where(and(eq(familyCreditNote.communeId, row.communeId), inArray(familyCreditNote.id, [...creditNoteIds])));
  return inserted!;
}

export function cancellationsOfRole(tx: Tx, communeId: string, roleId: string): Promise<CancellationRow[]> {
  return tx.db
    .select()
    .from(familyCancellation)
    .where(and(eq(familyCancellation.communeId, communeId), eq(familyCancellation.roleId, roleId)))
    .orderBy(asc(familyCancellation.createdAt));
}
