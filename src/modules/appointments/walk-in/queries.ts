/**
 * Read models of the walk-in queue: a ticket's own page (place, estimated wait), the waiting
 * room's screen, and the agent's queue with the day's appointments interleaved and the day's
 * waiting and service times per motif.
 */
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { addCalendarDays, parisDateOf, parisInstant } from '../../../platform/time/calendar.js';
import { canCallTickets, canWorkAgenda } from '../policy.js';
import { bookingsBetween, listAgendas } from '../repo.js';
import type { Booking, Motif, Ticket } from '../schema.js';
import { ticketsOfDay, walkInMotifs } from './repo.js';
import { estimateWait, interleave, median, minutesBetween, type NextUp, type WaitEstimate } from './rules.js';

/** Desks that called a motif within this many minutes count as serving it. */
const ACTIVE_DESK_MINUTES = 60;

export interface MotifDay {
  motif: Motif;
  waiting: number;
  served: number;
  /** Median minutes between taking the ticket and being called, today (null: nobody called yet). */
  medianWait: number | null;
  /** Median minutes at the desk, today (null: nobody served yet). */
  medianService: number | null;
}

function motifDay(m: Motif, tickets: readonly Ticket[]): MotifDay {
  const mine = tickets.filter((t) => t.motifId === m.id);
  const called = mine.filter((t) => t.calledAt);
  const served = mine.filter((t) => t.status === 'servi' && t.calledAt && t.finishedAt);
  return {
    motif: m,
    waiting: mine.filter((t) => t.status === 'attente').length,
    served: served.length,
    medianWait: median(called.map((t) => minutesBetween(t.createdAt, t.calledAt!))),
    medianService: median(served.map((t) => minutesBetween(t.calledAt!, t.finishedAt!))),
  };
}

function estimateOf(t: Ticket, m: Motif, tickets: readonly Ticket[], now: Date): WaitEstimate {
  const ahead = tickets.filter((o) => o.motifId === t.motifId && o.status === 'attente' && o.number < t.number).length;
  const day = motifDay(m, tickets);
  const recent = now.getTime() - ACTIVE_DESK_MINUTES * 60_000;
  const desks = new Set(
    tickets.filter((o) => o.motifId === t.motifId && o.calledAt && o.calledAt.getTime() >= recent).map((o) => o.desk),
  ).size;
  return estimateWait(ahead, day.medianService ?? m.durationMinutes, desks);
}

export interface TicketPage {
  ticket: Ticket;
  motifName: string;
  estimate: WaitEstimate;
}

/** What a ticket's page shows: its motif, and while waiting, the people ahead and the wait. */
export async function ticketPage(ctx: AppContext, communeId: string, t: Ticket, now = new Date()): Promise<TicketPage> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const [tickets, motifs] = await Promise.all([ticketsOfDay(tx, communeId, t.day), walkInMotifs(tx, communeId)]);
    const m = motifs.find((x) => x.id === t.motifId);
    return {
      ticket: t,
      motifName: m?.name ?? 'Accueil',
      estimate: m && t.status === 'attente' ? estimateOf(t, m, tickets, now) : { ahead: 0, minutes: 0 },
    };
  });
}

export interface Board {
  /** The tickets called in the last half hour, the latest first. */
  calls: Array<{ ticket: Ticket; motifName: string }>;
  days: MotifDay[];
}

/** The waiting room's screen: the latest calls and the queue per motif. */
export async function board(ctx: AppContext, communeId: string, now = new Date()): Promise<Board> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const [tickets, motifs] = await Promise.all([
      ticketsOfDay(tx, communeId, parisDateOf(now)),
      walkInMotifs(tx, communeId),
    ]);
    const name = new Map(motifs.map((m) => [m.id, m.name]));
    const since = now.getTime() - 30 * 60_000;
    const calls = tickets
      .filter((t) => t.calledAt && t.calledAt.getTime() >= since && t.status !== 'annule')
      .sort((a, b) => b.calledAt!.getTime() - a.calledAt!.getTime())
      .slice(0, 6)
      .map((t) => ({ ticket: t, motifName: name.get(t.motifId) ?? '' }));
    return { calls, days: motifs.map((m) => motifDay(m, tickets)) };
  });
}

export interface AgentQueue {
  motifs: Motif[];
  /** The tickets this agent has called and not closed yet. */
  current: Ticket[];
  /** Who comes next: waiting tickets and the appointments due, in one list. */
  next: Array<NextUp<Ticket, { startsAt: Date; booking: Booking; motifName: string }>>;
  days: MotifDay[];
  motifName: Map<string, string>;
}

/** The queue of the walk-in motifs an agent handles, with their services' appointments of the day. */
export async function agentQueue(
  ctx: AppContext,
  communeId: string,
  actor: Actor,
  now = new Date(),
): Promise<AgentQueue> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const today = parisDateOf(now);
    const [tickets, motifs, agendas] = await Promise.all([
      ticketsOfDay(tx, communeId, today),
      walkInMotifs(tx, communeId),
      listAgendas(tx, communeId),
    ]);
    const mine = motifs.filter((m) => canCallTickets(actor, m));
    const ids = new Set(mine.map((m) => m.id));
    const desks = agendas.filter((a) => a.active && canWorkAgenda(actor, a)).map((a) => a.id);
    const bookings = await bookingsBetween(
      tx,
      communeId,
      desks,
      parisInstant(today, 0)!,
      parisInstant(addCalendarDays(today, 1), 0)!,
    );
    // Appointments still expected (not yet checked in, absent or cancelled), up to half an hour late.
    const late = now.getTime() - 30 * 60_000;
    const due = bookings
      .filter((b) => b.booking.status === 'confirme' && b.booking.startsAt.getTime() >= late)
      .map((b) => ({ startsAt: b.booking.startsAt, booking: b.booking, motifName: b.motifName }));
    return {
      motifs: mine,
      current: tickets.filter((t) => t.status === 'appele' && t.calledBy === actor.accountId),
      next: interleave(
        tickets.filter((t) => ids.has(t.motifId) && t.status === 'attente'),
        due,
        now,
      ),
      days: mine.map((m) => motifDay(m, tickets)),
      motifName: new Map(motifs.map((m) => [m.id, m.name])),
    };
  });
}
