/** Writes on the commune row and its services (private to the communes module). */
import { and, eq } from 'drizzle-orm';
import { commune, service } from '../../platform/db/schema.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { Commune, Service } from '../../platform/tenancy/communes.js';

export type CommuneChanges = Partial<
  Pick<
    Commune,
    | 'name'
    | 'address'
    | 'openingHours'
    | 'phone'
    | 'email'
    | 'brandColour'
    | 'legalEditor'
    | 'legalDirector'
    | 'legalHost'
    | 'mailFromAddress'
    | 'topTasks'
  >
>;

export async function updateCommuneRow(tx: Tx, id: string, changes: CommuneChanges): Promise<Commune> {
  const rows = await tx.db.update(commune).set(changes).where(eq(commune.id, id)).returning();
  return rows[0]!;
}

export async function updateServiceRow(
  tx: Tx,
  communeId: string,
  id: string,
  changes: Partial<Pick<Service, 'name' | 'email' | 'description' | 'retiredAt'>>,
): Promise<Service> {
  const rows = await tx.db
    .update(service)
    .set(changes)
    .where(and(eq(service.communeId, communeId), eq(service.id, id)))
    .returning();
  return rows[0]!;
}
