/** The family portal's queries (tenant transactions only: RLS applies on top of the filters). */
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type ActivityRow,
  type EnrolmentRow,
  type EnrolmentStatus,
  familyActivity,
  familyEnrolment,
  familyTariffGrid,
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
