/** Writes of démarches, their form versions and routing rules; every function takes the commune. */
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { type FormVersion, formVersion, type Procedure, procedure, routingRule } from './schema.js';

export async function insertProcedure(tx: Tx, values: Omit<typeof procedure.$inferInsert, 'id'>): Promise<Procedure> {
  const rows = await tx.db
    .insert(procedure)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function insertFormVersion(
  tx: Tx,
  values: Omit<typeof formVersion.$inferInsert, 'id'>,
): Promise<FormVersion> {
  const rows = await tx.db
    .insert(formVersion)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

// — Routing rules —

export async function insertRoutingRule(tx: Tx, values: Omit<typeof routingRule.$inferInsert, 'id'>): Promise<void> {
  await tx.db.insert(routingRule).values({ id: uuidv7(), ...values });
}

/** Démarches sent to each service (key: service id). */
export async function countProceduresByService(tx: Tx, communeId: string): Promise<Map<string, number>> {
  const rows = await tx.db
    .select({ serviceId: procedure.serviceId, n: sql<number>`count(*)::int` })
    .from(procedure)
    .where(eq(procedure.communeId, communeId))
    .groupBy(procedure.serviceId);
  return new Map(rows.map((r) => [r.serviceId, Number(r.n)] as const));
}

/** Replaces a démarche's stored status workflow. */
export async function setProcedureWorkflow(
  tx: Tx,
  communeId: string,
  procedureId: string,
  workflow: typeof procedure.$inferInsert.workflow,
): Promise<void> {
  await tx.db
    .update(procedure)
    .set({ workflow })
    .where(and(eq(procedure.communeId, communeId), eq(procedure.id, procedureId)));
}
