/** Queries on communes (instance-level) and their services (tenant-scoped). */
import { and, eq, sql } from 'drizzle-orm';
import { commune, service } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';

export type Commune = typeof commune.$inferSelect;
export type Service = typeof service.$inferSelect;

/** All communes of the instance, in French alphabetical order. */
export function listCommunes(tx: Tx): Promise<Commune[]> {
  return tx.db.select().from(commune).orderBy(sql`${commune.name} COLLATE "und-x-icu"`);
}

export async function findCommuneBySlug(tx: Tx, slug: string): Promise<Commune | undefined> {
  const rows = await tx.db.select().from(commune).where(eq(commune.slug, slug)).limit(1);
  return rows[0];
}

export async function findCommuneByHostname(tx: Tx, hostname: string): Promise<Commune | undefined> {
  const rows = await tx.db.select().from(commune).where(eq(commune.hostname, hostname)).limit(1);
  return rows[0];
}

export async function insertCommune(tx: Tx, values: typeof commune.$inferInsert): Promise<Commune> {
  const rows = await tx.db.insert(commune).values(values).returning();
  return rows[0]!;
}

/** Services of the transaction's commune. */
export function listServices(tx: Tx, communeId: string): Promise<Service[]> {
  return tx.db
    .select()
    .from(service)
    .where(eq(service.communeId, communeId))
    .orderBy(sql`${service.name} COLLATE "und-x-icu"`);
}

/**
 * The services a person may choose as a destination (routing, transfer, a démarche's service, the
 * counter): those not retired. A retired service keeps its requests and history (listServices).
 */
export async function listActiveServices(tx: Tx, communeId: string): Promise<Service[]> {
  return (await listServices(tx, communeId)).filter((s) => s.retiredAt === null);
}

export async function findServiceBySlug(tx: Tx, communeId: string, slug: string): Promise<Service | undefined> {
  const rows = await tx.db
    .select()
    .from(service)
    .where(and(eq(service.communeId, communeId), eq(service.slug, slug)))
    .limit(1);
  return rows[0];
}

export async function findServiceById(tx: Tx, communeId: string, id: string): Promise<Service | undefined> {
  const rows = await tx.db
    .select()
    .from(service)
    .where(and(eq(service.communeId, communeId), eq(service.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertService(tx: Tx, values: typeof service.$inferInsert): Promise<Service> {
  const rows = await tx.db.insert(service).values(values).returning();
  return rows[0]!;
}

export function countCommunes(tx: Tx): Promise<number> {
  return tx.db
    .select({ n: sql<string>`count(*)` })
    .from(commune)
    .then((r) => Number(r[0]?.n ?? 0));
}
