/**
 * What happens to a booking after it is made: cancelled or moved by its link (no account needed)
 * or cancelled by an agent; checked in at arrival or marked absent by the desk's agent. A seat
 * that comes free is announced (`appointment.freed`) for the waitlist.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { queueAntsSync } from '../ants-sync.js';
import { queueBookingMail, scheduleReminders } from '../notify.js';
import { canWorkAgenda } from '../policy.js';
import {
  findAgenda,
  findBooking,
  findBookingByTokenHash,
  findMotif,
  joinWaitlist,
  lockAgenda,
  lockBooking,
  moveBookingRow,
  setBookingStatus,
  setBookingTokenHash,
} from '../repo.js';
import type { Booking } from '../schema.js';
import { freeSlotAt } from './book-appointment.js';
import {
  AGENDA_NOT_FOUND,
  auditAppointments,
  BOOKING_NOT_FOUND,
  type Caller,
  emitAppointmentEvent,
  fieldError,
  parseInput,
  payloadOf,
  SLOT_TAKEN,
} from './common.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The booking of a link's secret, locked; 404 for an unknown or malformed secret. */
async function bookingOfToken(tx: Tx, communeId: string, token: string): Promise<Booking> {
  if (!TOKEN_SHAPE.test(token)) throw BOOKING_NOT_FOUND();
  const found = await findBookingByTokenHash(tx, communeId, hashToken(token));
  if (!found) throw BOOKING_NOT_FOUND();
  await lockBooking(tx, communeId, found.id);
  return (await findBooking(tx, communeId, found.id))!;
}

function notChangeable(message: string): AppError {
  return new AppError('appointments.not_changeable', message, 409, {
    userMessage: message,
    fields: { creneau: message },
  });
}

function assertChangeable(b: Booking, now: Date): void {
  if (b.status === 'annule') throw notChangeable('Ce rendez-vous est déjà annulé.');
  if (b.status !== 'confirme' || b.startsAt.getTime() <= now.getTime()) {
    throw notChangeable('Ce rendez-vous est passé : il ne peut plus être annulé ni déplacé.');
  }
}

/** A booking as its link shows it (no lock; 404 for an unknown secret). */
export async function bookingByToken(ctx: AppContext, communeId: string, token: string): Promise<Booking> {
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!TOKEN_SHAPE.test(token)) throw BOOKING_NOT_FOUND();
    const b = await findBookingByTokenHash(tx, communeId, hashToken(token));
    if (!b) throw BOOKING_NOT_FOUND();
    return b;
  });
}

async function cancelLocked(ctx: AppContext, tx: Tx, caller: Caller, b: Booking, by: 'link' | 'agent', now: Date) {
  await setBookingStatus(tx, caller.communeId, b.id, 'annule', now);
  await auditAppointments(
    tx,
    caller,
    'appointments.cancelled',
    { type: 'appointment_booking', id: b.id },
    {
      by,
      startsAt: b.startsAt.toISOString(),
    },
  );
  const motif = await findMotif(tx, caller.communeId, b.motifId);
  const payload = payloadOf(b, motif ?? { name: '' });
  await emitAppointmentEvent(ctx, tx, 'appointment.cancelled', payload);
  await emitAppointmentEvent(ctx, tx, 'appointment.freed', payload);
  await queueBookingMail(ctx, tx, 'cancelled', b, null);
  const agenda = await findAgenda(tx, caller.communeId, b.agendaId);
  if (agenda) await queueAntsSync(ctx, tx, 'remove', b, agenda);
}

export async function cancelByToken(ctx: AppContext, caller: Caller, token: string, now = new Date()): Promise<void> {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const b = await bookingOfToken(tx, caller.communeId, token);
    assertChangeable(b, now);
    await cancelLocked(ctx, tx, caller, b, 'link', now);
  });
}

const moveSchema = z.object({
  agenda: z.string({ error: 'Choisissez un créneau.' }).refine(isUuid, 'Choisissez un créneau.'),
  debut: z.iso.datetime({ error: 'Choisissez un créneau.' }),
});

/**
 * Moves a booking to another slot of its motif (same or another desk of the service). The old
 * seat is freed for the waitlist; the reminders follow the new time (the old ones see the change
 * and stay silent).
 */
export async function moveBooking(
  ctx: AppContext,
  caller: Caller,
  b: Booking,
  target: { agendaId: string; startsAt: Date },
  tx: Tx,
  now: Date,
  action: 'appointments.moved' | 'appointments.waitlist_accepted' = 'appointments.moved',
): Promise<Booking> {
  const { communeId } = caller;
  const motif = await findMotif(tx, communeId, b.motifId);
  const agenda = await findAgenda(tx, communeId, target.agendaId);
  if (!motif || !agenda?.active || agenda.serviceId !== motif.serviceId) throw AGENDA_NOT_FOUND();
  if (!(await lockAgenda(tx, communeId, agenda.id))) throw AGENDA_NOT_FOUND();
  const { slot, exists } = await freeSlotAt(tx, communeId, agenda, motif, target.startsAt, {
    now,
    byAgent: false,
    ignore: b.id,
  });
  if (!exists) throw fieldError('creneau', 'Ce créneau n’est pas proposé : choisissez un créneau dans la liste.');
  if (!slot) throw SLOT_TAKEN();
  await moveBookingRow(tx, communeId, b.id, {
    agendaId: agenda.id,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    seat: slot.freeSeat,
  });
  await tx.client.query('UPDATE appointment_booking SET sequence = sequence + 1 WHERE commune_id = $1 AND id = $2', [
    communeId,
    b.id,
  ]);
  const moved = (await findBooking(tx, communeId, b.id))!;
  await auditAppointments(
    tx,
    caller,
    action,
    { type: 'appointment_booking', id: b.id },
    {
      from: b.startsAt.toISOString(),
      to: moved.startsAt.toISOString(),
    },
  );
  await emitAppointmentEvent(ctx, tx, 'appointment.freed', payloadOf(b, motif));
  await emitAppointmentEvent(ctx, tx, 'appointment.moved', payloadOf(moved, motif));
  await scheduleReminders(ctx, tx, moved, motif, now);
  // The appointment's date is part of the ANTS's key: the old one is deleted, the new one declared.
  const before = await findAgenda(tx, communeId, b.agendaId);
  if (before) await queueAntsSync(ctx, tx, 'remove', b, before);
  await queueAntsSync(ctx, tx, 'declare', moved, agenda);
  return moved;
}

export async function moveByToken(
  ctx: AppContext,
  caller: Caller,
  token: string,
  input: unknown,
  now = new Date(),
): Promise<Booking> {
  const v = parseInput(moveSchema, input);
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const b = await bookingOfToken(tx, caller.communeId, token);
    assertChangeable(b, now);
    const moved = await moveBooking(ctx, caller, b, { agendaId: v.agenda, startsAt: new Date(v.debut) }, tx, now);
    await queueBookingMail(ctx, tx, 'moved', moved, token);
    return moved;
  });
}

/** « Prévenez-moi si un créneau plus tôt se libère » from the booking's link. */
export async function joinWaitlistByToken(ctx: AppContext, caller: Caller, token: string, now = new Date()) {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const b = await bookingOfToken(tx, caller.communeId, token);
    assertChangeable(b, now);
    await joinWaitlist(tx, caller.communeId, b);
    await auditAppointments(tx, caller, 'appointments.waitlist_joined', { type: 'appointment_booking', id: b.id });
  });
}

/** The desk's agent: cancel (the person called), check in at arrival, or mark absent. */
export async function recordAtDesk(
  ctx: AppContext,
  caller: Caller,
  bookingId: string,
  action: 'arrive' | 'absent' | 'annule' | 'confirme',
  now = new Date(),
): Promise<Booking> {
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(bookingId)) throw BOOKING_NOT_FOUND();
    const found = await findBooking(tx, communeId, bookingId);
    const agenda = found && (await findAgenda(tx, communeId, found.agendaId));
    if (!found || !agenda || !canWorkAgenda(caller.actor, agenda)) throw BOOKING_NOT_FOUND();
    await lockBooking(tx, communeId, bookingId);
    const b = (await findBooking(tx, communeId, bookingId))!;
    if (b.status === 'annule') throw notChangeable('Ce rendez-vous est annulé.');
    if (action === 'annule') {
      assertChangeable(b, now);
      await cancelLocked(ctx, tx, caller, b, 'agent', now);
    } else {
      if (action !== 'confirme' && b.startsAt.getTime() - now.getTime() > 24 * 3600_000) {
        throw notChangeable('L’arrivée ou l’absence se note le jour du rendez-vous.');
      }
      await setBookingStatus(tx, communeId, b.id, action, now);
      if (action !== 'confirme') {
        await auditAppointments(tx, caller, action === 'arrive' ? 'appointments.checked_in' : 'appointments.no_show', {
          type: 'appointment_booking',
          id: b.id,
        });
      }
    }
    return (await findBooking(tx, communeId, bookingId))!;
  });
}

/** A signed-in citizen's own booking (404 for anyone else's). */
export async function ownBooking(ctx: AppContext, caller: Caller, bookingId: string): Promise<Booking> {
  return withTenant(ctx.database, caller.communeId, async (tx) => {
    const b = isUuid(bookingId) ? await findBooking(tx, caller.communeId, bookingId) : undefined;
    if (!b || !caller.actor || b.accountId !== caller.actor.accountId) throw BOOKING_NOT_FOUND();
    return b;
  });
}

/** A signed-in citizen cancels their own booking from their space. */
export async function cancelOwnBooking(ctx: AppContext, caller: Caller, bookingId: string, now = new Date()) {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const found = isUuid(bookingId) ? await findBooking(tx, caller.communeId, bookingId) : undefined;
    if (!found || !caller.actor || found.accountId !== caller.actor.accountId) throw BOOKING_NOT_FOUND();
    await lockBooking(tx, caller.communeId, found.id);
    const b = (await findBooking(tx, caller.communeId, found.id))!;
    assertChangeable(b, now);
    await cancelLocked(ctx, tx, caller, b, 'link', now);
  });
}

/**
 * The booking's page given to the ANTS (no secret in its address): the person asks for a fresh
 * link to change or cancel, sent to the address given at booking. The old link stops working.
 */
export async function resendManageLink(ctx: AppContext, caller: Caller, bookingId: string, now = new Date()) {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const found = isUuid(bookingId) ? await findBooking(tx, caller.communeId, bookingId) : undefined;
    if (!found) throw BOOKING_NOT_FOUND();
    await lockBooking(tx, caller.communeId, found.id);
    const b = (await findBooking(tx, caller.communeId, found.id))!;
    assertChangeable(b, now);
    if (!b.email) {
      throw notChangeable(
        'Aucune adresse électronique n’a été donnée pour ce rendez-vous : appelez la mairie pour le modifier ou l’annuler.',
      );
    }
    const token = newToken();
    await setBookingTokenHash(tx, caller.communeId, b.id, hashToken(token));
    await queueBookingMail(ctx, tx, 'confirmation', b, token);
    await auditAppointments(tx, caller, 'appointments.link_resent', { type: 'appointment_booking', id: b.id });
  });
}
