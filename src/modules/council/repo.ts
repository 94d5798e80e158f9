/** The council's queries (tenant transactions only: RLS applies on top of the filters). */
import { and, asc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type ConvocationRow,
  councilConvocation,
  councilItem,
  councilMember,
  councilSeance,
  type ItemRow,
  type MemberRow,
  type SeanceRow,
} from './schema.js';

export function listMembers(tx: Tx, communeId: string): Promise<MemberRow[]> {
  return tx.db
    .select()
    .from(councilMember)
    .where(and(eq(councilMember.communeId, communeId), eq(councilMember.inOffice, true)))
    .orderBy(asc(councilMember.fullName));
}

export async function insertMember(tx: Tx, values: Omit<typeof councilMember.$inferInsert, 'id'>): Promise<MemberRow> {
  const [row] = await tx.db
    .insert(councilMember)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function insertSeance(tx: Tx, values: Omit<typeof councilSeance.$inferInsert, 'id'>): Promise<SeanceRow> {
  const [row] = await tx.db
    .insert(councilSeance)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function findSeance(tx: Tx, communeId: string, id: string, lock = false): Promise<SeanceRow | undefined> {
  const query = tx.db
    .select()
    .from(councilSeance)
    .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export function listSeances(tx: Tx, communeId: string): Promise<SeanceRow[]> {
  return tx.db
    .select()
    .from(councilSeance)
    .where(eq(councilSeance.communeId, communeId))
    .orderBy(asc(councilSeance.seanceDate));
}

export async function setSeanceStatus(tx: Tx, communeId: string, id: string, status: SeanceRow['status']) {
  await tx.db
    .update(councilSeance)
    .set({ status })
    .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, id)));
}

export function listItems(tx: Tx, communeId: string, seanceId: string): Promise<ItemRow[]> {
  return tx.db
    .select()
    .from(councilItem)
    .where(and(eq(councilItem.communeId, communeId), eq(councilItem.seanceId, seanceId)))
    .orderBy(asc(councilItem.position));
}

export async function insertItem(tx: Tx, values: Omit<typeof councilItem.$inferInsert, 'id'>): Promise<ItemRow> {
  const [row] = await tx.db
    .insert(councilItem)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export function listConvocations(tx: Tx, communeId: string, seanceId: string): Promise<ConvocationRow[]> {
  return tx.db
    .select()
    .from(councilConvocation)
    .where(and(eq(councilConvocation.communeId, communeId), eq(councilConvocation.seanceId, seanceId)));
}

export async function insertConvocation(
  tx: Tx,
  values: Omit<typeof councilConvocation.$inferInsert, 'id'>,
): Promise<void> {
  await tx.db
    .insert(councilConvocation)
    .values({ id: uuidv7(), ...values })
    .onConflictDoNothing();
}

/** The population municipale of the commune (instance-level record), for the legal delay. */
export async function communePopulation(tx: Tx, communeId: string): Promise<number | null> {
  const { rows } = await tx.client.query<{ population: number | null }>(
    'SELECT population FROM commune WHERE id = $1',
    [communeId],
  );
  return rows[0]?.population ?? null;
}
