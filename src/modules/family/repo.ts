/** The family portal's queries (tenant transactions only: RLS applies on top of the filters). */
import { and, asc, desc, eq, gte, isNull, lte, or } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { type ActivityRow, familyActivity, familyTariffGrid, type TariffGridRow } from './schema.js';
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
