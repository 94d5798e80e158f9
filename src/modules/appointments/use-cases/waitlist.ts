/**
 * The waitlist: a person holding a booking asks to be told of an earlier slot of the same motif.
 * When a seat comes free (`appointment.freed`), the first person waiting whose appointment is
 * later gets an offer by mail, valid for OFFER_HOURS (and never past the slot's own minimum
 * delay); accepting moves their booking there, which frees their old seat for the next person in
 * turn. An offer that expires goes to the next person. The offered seat is not held: whoever
 * books it first gets it (decision 0027).
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { DomainEvent } from '../../../platform/events/index.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { APPOINTMENT_MAILS } from '../mail-templates.js';
import { communeRef, queueBookingMail } from '../notify.js';
import {
  findAgenda,
  findBooking,
  findMotif,
  findOfferByTokenHash,
  lockBooking,
  nextWaiting,
  updateWaitlist,
} from '../repo.js';
import type { Booking } from '../schema.js';
import { whenText } from '../texts.js';
import { freeSlotAt } from './book-appointment.js';
import { auditAppointments, BOOKING_NOT_FOUND, type Caller } from './common.js';
import { moveBooking } from './manage-booking.js';

export const OFFER_HOURS = 4;
export const OFFER_EXPIRY_JOB = 'appointments.offer-expiry';

/** Offers the freed seat of an event to the next person waiting (the subscriber of `appointment.freed`). */
export async function offerFreedSeat(
  ctx: AppContext,
  event: Pick<DomainEvent<'appointment.freed'>, 'communeId' | 'data'>,
  now = new Date(),
): Promise<boolean> {
  const { communeId, data } = event;
  const startsAt = new Date(data.startsAt);
  return withTenant(ctx.database, communeId, async (tx) => {
    const [motif, agenda] = await Promise.all([
      findMotif(tx, communeId, data.motifId),
      findAgenda(tx, communeId, data.agendaId),
    ]);
    if (!motif || !agenda || !motif.active || !agenda.active) return false;
    const { slot } = await freeSlotAt(tx, communeId, agenda, motif, startsAt, { now, byAgent: false });
    if (!slot) return false;
    const next = await nextWaiting(tx, communeId, motif.id, startsAt);
    if (!next) return false;
    const waiting = (await findBooking(tx, communeId, next.booking_id))!;
    if (!waiting.email) return false;
    const token = newToken();
    const latest = startsAt.getTime() - motif.minDelayHours * 3600_000;
    const expiresAt = new Date(Math.min(now.getTime() + OFFER_HOURS * 3600_000, latest));
    if (expiresAt.getTime() <= now.getTime()) return false;
    await updateWaitlist(tx, communeId, next.id, {
      status: 'offre',
      offeredStartsAt: startsAt,
      offeredAgendaId: agenda.id,
      offerTokenHash: hashToken(token),
      offerExpiresAt: expiresAt,
    });
    await auditAppointments(
      tx,
      { communeId, actor: null, requestId: null },
      'appointments.waitlist_offered',
      { type: 'appointment_booking', id: waiting.id },
      { startsAt: startsAt.toISOString() },
    );
    const c = await communeRef(tx, communeId);
    await queueMail(tx, ctx.queue, {
      to: waiting.email,
      template: APPOINTMENT_MAILS.waitlistOffer,
      variables: {
        communeName: c.name,
        subject: `Un créneau plus tôt s’est libéré : ${motif.name}, ${whenText(startsAt)}`,
        paragraphs: [
          `Bonjour ${waiting.name},`,
          `Vous avez demandé à être prévenu si un créneau plus tôt se libérait pour votre rendez-vous « ${motif.name} » du ${whenText(waiting.startsAt)}.`,
          `Le créneau du ${whenText(startsAt)} (${agenda.place}) est libre. Pour le prendre à la place du vôtre, utilisez le lien ci-dessous avant le ${whenText(expiresAt)}.`,
          'Sans réponse de votre part, votre rendez-vous actuel reste inchangé. Le créneau peut être pris par une autre personne entre-temps.',
        ],
        link: { href: `${ctx.config.publicUrl}/c/${c.slug}/rendez-vous/offre/${token}`, label: 'Prendre ce créneau' },
      },
    });
    await ctx.queue.enqueue(
      tx,
      OFFER_EXPIRY_JOB,
      { communeId, waitlistId: next.id, payload: data },
      { startAfter: expiresAt },
    );
    return true;
  });
}

/** The offer of a link, with the booking it would move; 404 for an unknown or used secret. */
export async function offerByToken(ctx: AppContext, communeId: string, token: string, now = new Date()) {
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw BOOKING_NOT_FOUND();
    const offer = await findOfferByTokenHash(tx, communeId, hashToken(token));
    if (!offer?.offeredStartsAt || !offer.offeredAgendaId) throw BOOKING_NOT_FOUND();
    const booking = await findBooking(tx, communeId, offer.bookingId);
    if (!booking) throw BOOKING_NOT_FOUND();
    const live = offer.status === 'offre' && !!offer.offerExpiresAt && offer.offerExpiresAt.getTime() > now.getTime();
    return { offer, booking, live };
  });
}

/** Takes the offered slot: the booking moves there (its old seat is freed for the next person). */
export async function acceptOffer(ctx: AppContext, caller: Caller, token: string, now = new Date()): Promise<Booking> {
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw BOOKING_NOT_FOUND();
    const offer = await findOfferByTokenHash(tx, communeId, hashToken(token));
    if (!offer?.offeredStartsAt || !offer.offeredAgendaId) throw BOOKING_NOT_FOUND();
    await lockBooking(tx, communeId, offer.bookingId);
    const b = await findBooking(tx, communeId, offer.bookingId);
    if (!b) throw BOOKING_NOT_FOUND();
    if (
      offer.status !== 'offre' ||
      !offer.offerExpiresAt ||
      offer.offerExpiresAt.getTime() <= now.getTime() ||
      b.status !== 'confirme'
    ) {
      const message = 'Cette proposition n’est plus valable : votre rendez-vous actuel reste inchangé.';
      throw new AppError('appointments.offer_expired', message, 409, { userMessage: message });
    }
    const moved = await moveBooking(
      ctx,
      caller,
      b,
      { agendaId: offer.offeredAgendaId, startsAt: offer.offeredStartsAt },
      tx,
      now,
      'appointments.waitlist_accepted',
    );
    await updateWaitlist(tx, communeId, offer.id, { status: 'accepte' });
    await queueBookingMail(ctx, tx, 'moved', moved, null);
    return moved;
  });
}

/** When an offer expires unanswered: closed, and the seat offered to the next person. */
export async function expireOffer(
  ctx: AppContext,
  job: { communeId: string; waitlistId: string; payload: DomainEvent<'appointment.freed'>['data'] },
  now = new Date(),
): Promise<void> {
  const expired = await withTenant(ctx.database, job.communeId, async (tx) => {
    const { rowCount } = await tx.client.query(
      `UPDATE appointment_waitlist SET status = 'expire'
        WHERE commune_id = $1 AND id = $2 AND status = 'offre' AND offer_expires_at <= $3`,
      [job.communeId, job.waitlistId, now],
    );
    return (rowCount ?? 0) > 0;
  });
  if (expired) await offerFreedSeat(ctx, { communeId: job.communeId, data: job.payload }, now);
}
