/**
 * Booking a slot: by a signed-in citizen, by a visitor with an e-mail address, or by an agent for
 * a caller. The agenda's row is locked (SELECT … FOR UPDATE) while the slot is checked against
 * the bookings already taken and the seat is written, so two people never get the same seat; the
 * unique seat index answers for a bug in that check. The loser gets a 409 with a French message.
 */
import { z } from 'zod';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { isMailAddress } from '../../../platform/mail/address.js';
import { mobileE164 } from '../../../platform/sms/phone.js';
import { addCalendarDays, parisDateOf, parisInstant } from '../../../platform/time/calendar.js';
import { hashToken, newToken, verifyRequestNumber } from '../../../platform/tokens.js';
import { normaliseAntsNumber } from '../ants.js';
import { checkAntsApplication, queueAntsSync } from '../ants-sync.js';
import { queueBookingMail, scheduleReminders } from '../notify.js';
import { type BookingMode, canBook, canWorkAgenda } from '../policy.js';
import { agendaCalendar, findAgenda, findBooking, findMotif, insertBooking, lockAgenda, takenSeats } from '../repo.js';
import type { Agenda, Booking, Motif } from '../schema.js';
import { type Slot, searchSlots } from '../slots.js';
import {
  AGENDA_NOT_FOUND,
  auditAppointments,
  type Caller,
  emitAppointmentEvent,
  fieldError,
  MOTIF_NOT_FOUND,
  parseInput,
  payloadOf,
  SLOT_TAKEN,
} from './common.js';

const SLOT_GONE = 'Ce créneau n’est pas proposé : choisissez un créneau dans la liste.';

const bookingSchema = z.object({
  motif: z.string({ error: 'Choisissez le type de rendez-vous.' }).refine(isUuid, 'Choisissez le type de rendez-vous.'),
  agenda: z.string({ error: SLOT_GONE }).refine(isUuid, SLOT_GONE),
  debut: z.iso.datetime({ error: SLOT_GONE }).or(z.iso.datetime({ offset: true, error: SLOT_GONE })),
  nom: z
    .string({ error: 'Indiquez votre nom.' })
    .trim()
    .min(1, 'Indiquez le nom de la personne qui vient au rendez-vous.')
    .max(120, 'Le nom ne doit pas dépasser 120 caractères.'),
  courriel: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  ants: z
    .string()
    .optional()
    .transform((v) => v ?? ''),
  telephone: z
    .string()
    .trim()
    .max(30, 'Le numéro de téléphone ne doit pas dépasser 30 caractères.')
    .optional()
    .transform((v) => v || null)
    .refine(
      (v) => v === null || /^\+?[0-9 .-]{6,30}$/.test(v),
      'Le numéro de téléphone doit contenir des chiffres, par exemple 06 12 34 56 78.',
    ),
  rappel_sms: z.enum(['oui']).optional(),
  // The request a démarche's confirmation page offered this appointment for, with its signature.
  demande: z
    .string()
    .optional()
    .transform((v) => v || null),
  jeton: z
    .string()
    .max(64)
    .optional()
    .transform((v) => v ?? ''),
});

/** The request number of a signed link from a démarche's confirmation page, or null. */
export function vouchedRequestNumber(
  ctx: AppContext,
  communeId: string,
  number: string | null | undefined,
  jeton: string,
): string | null {
  if (!number || !REQUEST_NUMBER.test(number)) return null;
  return verifyRequestNumber(ctx.config, communeId, number, jeton) ? number : null;
}

const REQUEST_NUMBER = /^[0-9]{4}-[0-9]{6}$/;

export interface BookingResult {
  booking: Booking;
  /** The secret of the link to cancel or move (shown once, sent by mail). */
  token: string;
}

/**
 * The slot of `agenda` for `motif` starting at `startsAt`, if still free; the caller holds the
 * agenda's lock. `ignore`: a booking not to count (the one being moved).
 */
export async function freeSlotAt(
  tx: Tx,
  communeId: string,
  agenda: Agenda,
  motif: Motif,
  startsAt: Date,
  options: { now: Date; byAgent: boolean; ignore?: string },
): Promise<{ slot: Slot | undefined; exists: boolean }> {
  const date = parisDateOf(startsAt);
  const dayStart = parisInstant(date, 0) ?? startsAt;
  const dayEnd = parisInstant(addCalendarDays(date, 1), 0) ?? startsAt;
  const calendar = await agendaCalendar(tx, communeId, agenda);
  // Agents book for a caller without the public's minimum delay (never in the past).
  const rules = {
    id: motif.id,
    durationMinutes: motif.durationMinutes,
    bufferMinutes: motif.bufferMinutes,
    capacity: motif.capacity,
    minDelayHours: options.byAgent ? 0 : motif.minDelayHours,
    maxDelayDays: motif.maxDelayDays,
  };
  const base = { calendar, motif: rules, now: options.now, from: date, to: date };
  const exists = searchSlots({ ...base, taken: [] }).some((s) => s.startsAt.getTime() === startsAt.getTime());
  if (!exists) return { slot: undefined, exists };
  const taken = (await takenSeats(tx, communeId, agenda.id, dayStart, dayEnd)).filter(
    (t) => t.bookingId !== options.ignore,
  );
  const slot = searchSlots({ ...base, taken }).find((s) => s.startsAt.getTime() === startsAt.getTime());
  return { slot, exists };
}

function isSeatConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const pg = e?.code ? e : e?.cause;
  return pg?.code === '23505' && pg.constraint === 'appointment_booking_seat';
}

export async function bookAppointment(
  ctx: AppContext,
  caller: Caller,
  mode: BookingMode,
  input: unknown,
  now = new Date(),
): Promise<BookingResult> {
  const v = parseInput(bookingSchema, input);
  const actor: Actor | null = caller.actor;
  if (mode !== 'visitor' && !actor) throw new AppError('auth.required', 'sign-in required', 401);
  // The address the mails go to: the account's for a signed-in citizen, the one typed otherwise.
  const email = mode === 'citizen' ? actor!.email : v.courriel;
  if (mode === 'visitor' && !email) {
    throw fieldError(
      'courriel',
      'Indiquez votre adresse électronique : la confirmation et le lien d’annulation y sont envoyés.',
    );
  }
  if (email && mode !== 'citizen' && !isMailAddress(email)) {
    throw fieldError('courriel', 'Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr.');
  }
  if (mode === 'agent' && !email && !v.telephone) {
    throw fieldError(
      'telephone',
      'Indiquez un numéro de téléphone ou une adresse électronique pour joindre la personne.',
    );
  }
  // Reminders by SMS only on request, to a number an SMS can reach, when the commune can send one.
  const smsReminders = v.rappel_sms === 'oui' && ctx.smsProvider.canSend;
  if (smsReminders && !(v.telephone && mobileE164(v.telephone))) {
    throw fieldError(
      'telephone',
      v.telephone
        ? 'Ce numéro ne peut pas recevoir de SMS : indiquez un numéro de portable, par exemple 06 12 34 56 78.'
        : 'Indiquez le numéro de portable auquel envoyer les rappels par SMS.',
    );
  }
  const requestNumber = vouchedRequestNumber(ctx, caller.communeId, v.demande, v.jeton);
  if (v.demande && !requestNumber) {
    throw new AppError('appointments.request_link_invalid', 'request link signature mismatch', 400, {
      userMessage:
        'Le lien qui rattache ce rendez-vous à votre demande n’est pas valide : reprenez-le depuis la page de confirmation de la demande, ou prenez rendez-vous depuis la page « Prendre rendez-vous ».',
    });
  }
  const startsAt = new Date(v.debut);
  const { communeId } = caller;
  const token = newToken();
  // The ANTS is asked before the transaction (no agenda lock held during a network call).
  const antsCandidate = v.ants.trim() ? normaliseAntsNumber(v.ants) : null;
  if (antsCandidate) await checkAntsApplication(ctx, antsCandidate);
  try {
    const booking = await withTenant(ctx.database, communeId, async (tx) => {
      const motif = await findMotif(tx, communeId, v.motif);
      if (!motif?.active || !canBook(motif.bookableBy, mode)) throw MOTIF_NOT_FOUND();
      const agenda = await findAgenda(tx, communeId, v.agenda);
      if (!agenda?.active || agenda.serviceId !== motif.serviceId) throw AGENDA_NOT_FOUND();
      if (mode === 'agent' && !canWorkAgenda(actor, agenda)) throw AGENDA_NOT_FOUND();
      const antsNumber = v.ants.trim() ? normaliseAntsNumber(v.ants) : null;
      if (motif.antsRequired && !antsNumber) {
        throw fieldError(
          'ants',
          v.ants.trim()
            ? 'Le numéro de pré-demande ANTS compte 10 lettres ou chiffres, par exemple AB12CD34EF.'
            : 'Indiquez le numéro de pré-demande ANTS : faites d’abord votre pré-demande en ligne sur le site de l’ANTS.',
        );
      }
      if (!(await lockAgenda(tx, communeId, agenda.id))) throw AGENDA_NOT_FOUND();
      const { slot, exists } = await freeSlotAt(tx, communeId, agenda, motif, startsAt, {
        now,
        byAgent: mode === 'agent',
      });
      if (!exists) throw fieldError('creneau', SLOT_GONE);
      if (!slot) throw SLOT_TAKEN();
      const id = await insertBooking(tx, {
        communeId,
        agendaId: agenda.id,
        motifId: motif.id,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        seat: slot.freeSeat,
        bookedBy: mode,
        accountId: mode === 'citizen' ? actor!.accountId : null,
        agentAccountId: mode === 'agent' ? actor!.accountId : null,
        name: v.nom,
        email,
        phone: v.telephone,
        smsReminders,
        antsNumber: motif.antsRequired ? antsNumber : null,
        requestNumber,
        tokenHash: hashToken(token),
      });
      const booking = (await findBooking(tx, communeId, id))!;
      await auditAppointments(
        tx,
        caller,
        'appointments.booked',
        { type: 'appointment_booking', id },
        {
          motif: motif.name,
          startsAt: slot.startsAt.toISOString(),
          by: mode,
          ...(requestNumber ? { request: requestNumber } : {}),
        },
      );
      await emitAppointmentEvent(ctx, tx, 'appointment.booked', payloadOf(booking, motif));
      await queueBookingMail(ctx, tx, 'confirmation', booking, token);
      await scheduleReminders(ctx, tx, booking, motif, now);
      await queueAntsSync(ctx, tx, 'declare', booking, agenda);
      return booking;
    });
    return { booking, token };
  } catch (error) {
    if (isSeatConflict(error)) throw SLOT_TAKEN();
    throw error;
  }
}
