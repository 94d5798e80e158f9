/** The commune's own assumptions of the savings model (inside a tenant transaction; RLS applies). */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/tenant.js';
import { steeringAssumption } from './schema.js';

export interface StoredAssumption {
  key: string;
  value: number;
  updatedAt: Date;
}

export async function listAssumptions(tx: Tx, communeId: string): Promise<StoredAssumption[]> {
  const rows = await tx.db.select().from(steeringAssumption).where(eq(steeringAssumption.communeId, communeId));
  return rows.map((r) => ({ key: r.key, value: Number(r.value), updatedAt: r.updatedAt }));
}

export async function saveAssumption(
  tx: Tx,
  communeId: string,
  key: string,
  value: number,
  accountId: string | null,
): Promise<void> {
  await tx.db
    .insert(steeringAssumption)
    .values({ communeId, key, value: String(value), updatedBy: accountId })
    .onConflictDoUpdate({
      target: [steeringAssumption.communeId, steeringAssumption.key],
      set: { value: String(value), updatedBy: accountId, updatedAt: new Date() },
    });
}

export async function deleteAssumption(tx: Tx, communeId: string, key: string): Promise<void> {
  await tx.db
    .delete(steeringAssumption)
    .where(and(eq(steeringAssumption.communeId, communeId), eq(steeringAssumption.key, key)));
}
