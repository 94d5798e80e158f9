/** What every use case of the appointments module shares: the caller, input parsing, errors, the journal, events. */
import type { AuditAction } from '../../../platform/audit/journal.js';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { AppointmentPayload } from '../events.js';
import type { Booking, Motif } from '../schema.js';

/** Who calls a use case: a person of the commune (or nobody: a visitor), and the request (for the journal). */
export interface Caller {
  communeId: string;
  actor: Actor | null;
  requestId: string | null;
}

/** Parses a use case's input; a failure is a 422 with the first French message of each field. */
export { parseInput } from '../../../platform/validation.js';

/** A form error on one field (e.g. a start date after the end date). */
export function fieldError(field: string, message: string, status = 422): AppError {
  return new AppError('input.invalid', message, status, { userMessage: message, fields: { [field]: message } });
}

export const AGENDA_NOT_FOUND = () =>
  new AppError('appointments.agenda_not_found', 'agenda not found', 404, {
    userMessage: 'Cet agenda n’existe pas, ou vous n’y avez pas accès.',
  });
export const MOTIF_NOT_FOUND = () =>
  new AppError('appointments.motif_not_found', 'motif not found', 404, {
    userMessage: 'Ce type de rendez-vous n’existe pas ou n’est plus proposé.',
  });
export const BOOKING_NOT_FOUND = () =>
  new AppError('appointments.booking_not_found', 'booking not found', 404, {
    userMessage: 'Ce rendez-vous n’existe pas, ou ce lien n’est plus valable.',
  });

export const SLOT_TAKEN_MESSAGE =
  'Ce créneau vient d’être réservé par une autre personne. Choisissez un autre créneau : rien n’a été enregistré.';
export const SLOT_TAKEN = () =>
  new AppError('appointments.slot_taken', 'slot taken', 409, {
    userMessage: SLOT_TAKEN_MESSAGE,
    fields: { creneau: SLOT_TAKEN_MESSAGE },
  });

/** The journal entry of a use case (same transaction). */
export function auditAppointments(
  tx: Tx,
  caller: Caller,
  action: Extract<AuditAction, `appointments.${string}`>,
  target: { type: string; id: string | null },
  data: Record<string, unknown> = {},
): Promise<unknown> {
  const actor = caller.actor;
  return recordAudit(tx, {
    action,
    actorType: !actor ? 'citizen' : actor.roles.has('citizen') && actor.roles.size === 1 ? 'citizen' : 'agent',
    actorId: actor?.accountId ?? null,
    targetType: target.type,
    targetId: target.id,
    data,
    requestId: caller.requestId,
  });
}

export function payloadOf(
  b: Pick<Booking, 'id' | 'motifId' | 'agendaId' | 'startsAt' | 'requestNumber'>,
  motif: Pick<Motif, 'name'>,
): AppointmentPayload {
  return {
    bookingId: b.id,
    motifId: b.motifId,
    agendaId: b.agendaId,
    startsAt: b.startsAt.toISOString(),
    motifName: motif.name,
    requestNumber: b.requestNumber,
  };
}

/** The one place the module emits its domain events, inside the business transaction. */
export async function emitAppointmentEvent(
  ctx: AppContext,
  tx: Tx,
  name: 'appointment.booked' | 'appointment.cancelled' | 'appointment.freed' | 'appointment.moved',
  data: AppointmentPayload,
): Promise<void> {
  await ctx.events.emit(tx, ctx.queue, name, data);
}
