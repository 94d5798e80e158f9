/**
 * The walk-in queue at the accueil (« le ticket »): a person takes a ticket for a motif at the
 * kiosk or on their phone, follows their place on the ticket's own page, may leave the queue; an
 * agent calls the next ticket of the motifs of their services at their desk, then closes it
 * (served, or absent). Each step is journalled; a ticket is never called twice.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { canCallTickets } from '../policy.js';
import { findMotif } from '../repo.js';
import type { Ticket, TicketChannel } from '../schema.js';
import {
  callFirstWaiting,
  findTicket,
  findTicketByTokenHash,
  insertTicket,
  moveTicket,
  walkInMotifs,
} from '../walk-in/repo.js';
import { auditAppointments, type Caller, MOTIF_NOT_FOUND, parseInput } from './common.js';

/** Tickets a commune hands out in a day, at most: past it the queue is full (and a script cannot fill a table). */
export const TICKETS_PER_DAY = 999;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const TICKET_NOT_FOUND = () =>
  new AppError('appointments.ticket_not_found', 'ticket not found', 404, {
    userMessage: 'Ce ticket n’existe pas, ou ce lien n’est plus valable.',
  });

const takeSchema = z.object({
  motif: z
    .string({ error: 'Choisissez la raison de votre venue.' })
    .refine(isUuid, 'Choisissez la raison de votre venue.'),
  canal: z.enum(['borne', 'telephone']).catch('telephone'),
});

/** Takes a ticket; returns it with the secret of its page (shown once, in the redirect). */
export async function takeTicket(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
  now = new Date(),
): Promise<{ ticket: Ticket; token: string }> {
  const v = parseInput(takeSchema, input);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const offered = await walkInMotifs(tx, communeId);
    if (!offered.some((m) => m.id === v.motif)) {
      throw new AppError('input.invalid', 'motif not offered', 422, {
        userMessage: 'Choisissez la raison de votre venue.',
        fields: { motif: 'Choisissez la raison de votre venue parmi celles proposées.' },
      });
    }
    const token = newToken();
    const day = parisDateOf(now);
    const created = await insertTicket(tx, {
      communeId,
      motifId: v.motif,
      day,
      channel: v.canal as TicketChannel,
      tokenHash: hashToken(token),
      now,
    });
    if (created.number > TICKETS_PER_DAY) {
      throw new AppError('appointments.queue_full', 'queue full', 409, {
        userMessage: 'L’accueil a distribué tous les tickets du jour. Adressez-vous à un agent ou revenez demain.',
      });
    }
    await auditAppointments(
      tx,
      caller,
      'appointments.ticket_taken',
      { type: 'appointment_ticket', id: created.id },
      { number: created.number, motifId: created.motifId, channel: created.channel },
    );
    return { ticket: created, token };
  });
}

/** The ticket of a page's secret (404 for an unknown or malformed one). */
export async function ticketByToken(ctx: AppContext, communeId: string, token: string): Promise<Ticket> {
  if (!TOKEN_SHAPE.test(token)) throw TICKET_NOT_FOUND();
  const found = await withTenant(ctx.database, communeId, (tx) =>
    findTicketByTokenHash(tx, communeId, hashToken(token)),
  );
  if (!found) throw TICKET_NOT_FOUND();
  return found;
}

/** The person leaves the queue from their ticket's page (only while still waiting). */
export async function leaveQueue(ctx: AppContext, caller: Caller, token: string, now = new Date()): Promise<Ticket> {
  const found = await ticketByToken(ctx, caller.communeId, token);
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    if (!(await moveTicket(tx, caller.communeId, found.id, 'attente', 'annule', now))) {
      throw new AppError('appointments.ticket_not_waiting', 'ticket not waiting', 409, {
        userMessage: 'Ce ticket n’est plus dans la file : il a déjà été appelé.',
      });
    }
    await auditAppointments(tx, caller, 'appointments.ticket_left', { type: 'appointment_ticket', id: found.id });
    return { ...found, status: 'annule' };
  });
}

const callSchema = z.object({
  guichet: z
    .string({ error: 'Indiquez votre guichet, par exemple « Guichet 2 ».' })
    .trim()
    .min(1, 'Indiquez votre guichet, par exemple « Guichet 2 ».')
    .max(60, 'Le nom du guichet ne doit pas dépasser 60 caractères.'),
  motif: z.string().optional(),
});

/**
 * Calls the next waiting ticket of the walk-in motifs the agent handles (or of one of them), to
 * their desk. Null when nobody waits.
 */
export async function callNextTicket(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
  now = new Date(),
): Promise<Ticket | null> {
  const v = parseInput(callSchema, input);
  const actor = caller.actor!;
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const mine = (await walkInMotifs(tx, communeId)).filter((m) => canCallTickets(actor, m));
    const chosen = v.motif && isUuid(v.motif) ? mine.filter((m) => m.id === v.motif) : mine;
    if (v.motif && chosen.length === 0) throw MOTIF_NOT_FOUND();
    const called = await callFirstWaiting(
      tx,
      communeId,
      parisDateOf(now),
      chosen.map((m) => m.id),
      { accountId: actor.accountId, desk: v.guichet, now },
    );
    if (called) {
      await auditAppointments(
        tx,
        caller,
        'appointments.ticket_called',
        { type: 'appointment_ticket', id: called.id },
        { number: called.number, desk: v.guichet },
      );
    }
    return called;
  });
}

/** Closes a called ticket: the person was served, or did not come to the desk. */
export async function closeTicket(
  ctx: AppContext,
  caller: Caller,
  ticketId: string,
  outcome: 'servi' | 'absent',
  now = new Date(),
): Promise<Ticket> {
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const found = isUuid(ticketId) ? await findTicket(tx, communeId, ticketId) : undefined;
    const m = found ? await findMotif(tx, communeId, found.motifId) : undefined;
    if (!found || !m || !canCallTickets(caller.actor, m)) throw TICKET_NOT_FOUND();
    if (!(await moveTicket(tx, communeId, found.id, 'appele', outcome, now))) {
      throw new AppError('appointments.ticket_not_called', 'ticket not called', 409, {
        userMessage: `Le ticket ${found.number} n’est pas en cours : il a déjà été clos.`,
      });
    }
    await auditAppointments(
      tx,
      caller,
      outcome === 'servi' ? 'appointments.ticket_served' : 'appointments.ticket_no_show',
      { type: 'appointment_ticket', id: found.id },
      { number: found.number },
    );
    return { ...found, status: outcome, finishedAt: now };
  });
}
