/**
 * Read models of démarches: the read-only queries other modules may use through index.ts (and
 * the module's own pages), each taking the commune. Writes stay in repo.ts.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/tenant.js';
import { type FormVersion, formVersion, type Procedure, procedure, type RoutingRule, routingRule } from './schema.js';

/** Procedures of the commune, published only unless asked otherwise, by category then title. */
export function listProcedures(
  tx: Tx,
  communeId: string,
  options: { includeUnpublished?: boolean } = {},
): Promise<Procedure[]> {
  return tx.db
    .select()
    .from(procedure)
    .where(
      and(eq(procedure.communeId, communeId), options.includeUnpublished ? undefined : eq(procedure.isPublished, true)),
    )
    .orderBy(sql`${procedure.category} COLLATE "und-x-icu"`, sql`${procedure.title} COLLATE "und-x-icu"`);
}

export async function findProcedureBySlug(tx: Tx, communeId: string, slug: string): Promise<Procedure | undefined> {
  const rows = await tx.db
    .select()
    .from(procedure)
    .where(and(eq(procedure.communeId, communeId), eq(procedure.slug, slug)))
    .limit(1);
  return rows[0];
}

export async function findProcedureById(tx: Tx, communeId: string, id: string): Promise<Procedure | undefined> {
  const rows = await tx.db
    .select()
    .from(procedure)
    .where(and(eq(procedure.communeId, communeId), eq(procedure.id, id)))
    .limit(1);
  return rows[0];
}

/** Procedures of the commune among `ids`, by id (for lists of drafts and requests). */
export async function proceduresByIds(
  tx: Tx,
  communeId: string,
  ids: readonly string[],
): Promise<Map<string, Procedure>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await tx.db
    .select()
    .from(procedure)
    .where(and(eq(procedure.communeId, communeId), inArray(procedure.id, unique)));
  return new Map(rows.map((p) => [p.id, p]));
}

export async function findFormVersion(
  tx: Tx,
  communeId: string,
  procedureId: string,
  version: number,
): Promise<FormVersion | undefined> {
  const rows = await tx.db
    .select()
    .from(formVersion)
    .where(
      and(
        eq(formVersion.communeId, communeId),
        eq(formVersion.procedureId, procedureId),
        eq(formVersion.version, version),
      ),
    )
    .limit(1);
  return rows[0];
}

/** Rules of a procedure in the order they are tried. */
export function listRoutingRules(tx: Tx, communeId: string, procedureId: string): Promise<RoutingRule[]> {
  return tx.db
    .select()
    .from(routingRule)
    .where(and(eq(routingRule.communeId, communeId), eq(routingRule.procedureId, procedureId)))
    .orderBy(asc(routingRule.position));
}
