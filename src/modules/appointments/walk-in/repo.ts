/**
 * Queries of the walk-in queue. Private to the appointments module; every function takes the
 * commune and filters by it (Row-Level Security is the second barrier).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { nextValue } from '../../../platform/db/counters.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { type Motif, motif, type Ticket, type TicketChannel, type TicketStatus, ticket } from '../schema.js';

/** The motifs a commune offers as a ticket (active, walk-in), by name. */
export function walkInMotifs(tx: Tx, communeId: string): Promise<Motif[]> {
  return tx.db
    .select()
    .from(motif)
    .where(and(eq(motif.communeId, communeId), eq(motif.walkIn, true), eq(motif.active, true)))
    .orderBy(asc(motif.name));
}

/** A new ticket of `day`, numbered after the day's last one (the counter is per commune and day). */
export async function insertTicket(
  tx: Tx,
  values: { communeId: string; motifId: string; day: string; channel: TicketChannel; tokenHash: string; now: Date },
): Promise<Ticket> {
  const number = await nextValue(tx, `ticket:${values.day}`, values.now);
  const [row] = await tx.db
    .insert(ticket)
    .values({
      id: uuidv7(),
      communeId: values.communeId,
      motifId: values.motifId,
      day: values.day,
      number,
      status: 'attente',
      channel: values.channel,
      tokenHash: values.tokenHash,
      createdAt: values.now,
    })
    .returning();
  return row!;
}

export async function findTicket(tx: Tx, communeId: string, id: string): Promise<Ticket | undefined> {
  const [row] = await tx.db
    .select()
    .from(ticket)
    .where(and(eq(ticket.communeId, communeId), eq(ticket.id, id)));
  return row;
}

export async function findTicketByTokenHash(tx: Tx, communeId: string, tokenHash: string): Promise<Ticket | undefined> {
  const [row] = await tx.db
    .select()
    .from(ticket)
    .where(and(eq(ticket.communeId, communeId), eq(ticket.tokenHash, tokenHash)));
  return row;
}

/** Every ticket of a day, in number order (a day holds hundreds at most). */
export function ticketsOfDay(tx: Tx, communeId: string, day: string): Promise<Ticket[]> {
  return tx.db
    .select()
    .from(ticket)
    .where(and(eq(ticket.communeId, communeId), eq(ticket.day, day)))
    .orderBy(asc(ticket.number));
}

/**
 * Calls the first waiting ticket of `day` among `motifIds`. Two desks calling at the same moment
 * get two different tickets: the row is taken FOR UPDATE SKIP LOCKED, so a ticket another
 * transaction is calling is passed over rather than waited for (and never called twice).
 */
export async function callFirstWaiting(
  tx: Tx,
  communeId: string,
  day: string,
  motifIds: readonly string[],
  by: { accountId: string; desk: string; now: Date },
): Promise<Ticket | null> {
  if (motifIds.length === 0) return null;
  const [first] = await tx.db
    .select({ id: ticket.id })
    .from(ticket)
    .where(
      and(
        eq(ticket.communeId, communeId),
        eq(ticket.day, day),
        eq(ticket.status, 'attente'),
        inArray(ticket.motifId, [...motifIds]),
      ),
    )
    .orderBy(asc(ticket.number))
    .limit(1)
    .for('update', { skipLocked: true });
  if (!first) return null;
  const [row] = await tx.db
    .update(ticket)
    .set({ status: 'appele', calledAt: by.now, calledBy: by.accountId, desk: by.desk })
    .where(and(eq(ticket.communeId, communeId), eq(ticket.id, first.id), eq(ticket.status, 'attente')))
    .returning();
  return row ?? null;
}

/** Moves a ticket from `from` to `to` (false when it was no longer in `from`: someone else acted). */
export async function moveTicket(
  tx: Tx,
  communeId: string,
  id: string,
  from: TicketStatus,
  to: TicketStatus,
  now: Date,
): Promise<boolean> {
  const rows = await tx.db
    .update(ticket)
    .set({ status: to, ...(to === 'attente' ? {} : { finishedAt: now }) })
    .where(and(eq(ticket.communeId, communeId), eq(ticket.id, id), eq(ticket.status, from)))
    .returning({ id: ticket.id });
  return rows.length === 1;
}

/** The day's counts: tickets taken (left the queue included), still waiting, mean wait in minutes of those called. */
export async function ticketFigures(
  tx: Tx,
  communeId: string,
  day: string,
  motifIds?: readonly string[],
): Promise<{ taken: number; waiting: number; averageWait: number }> {
  if (motifIds && motifIds.length === 0) return { taken: 0, waiting: 0, averageWait: 0 };
  const [row] = await tx.db
    .select({
      taken: sql<number>`count(*)::int`,
      waiting: sql<number>`(count(*) FILTER (WHERE ${ticket.status} = 'attente'))::int`,
      averageWait: sql<number>`coalesce(round(avg(extract(epoch FROM ${ticket.calledAt} - ${ticket.createdAt}) / 60)), 0)::int`,
    })
    .from(ticket)
    .where(
      and(
        eq(ticket.communeId, communeId),
        eq(ticket.day, day),
        ...(motifIds ? [inArray(ticket.motifId, [...motifIds])] : []),
      ),
    );
  return {
    taken: Number(row?.taken ?? 0),
    waiting: Number(row?.waiting ?? 0),
    averageWait: Number(row?.averageWait ?? 0),
  };
}
