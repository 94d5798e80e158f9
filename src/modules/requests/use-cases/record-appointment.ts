/**
 * A démarche that ends by booking an appointment (issue 12 item 7): when the appointments
 * module says a booking made for a request was made, moved or cancelled (its events carry the
 * request's number), the request's history says so — to the citizen in « Mes demandes » and to
 * the agents on the request's page. Idempotent: a redelivered event adds nothing twice.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { DomainEvent } from '../../../platform/events/index.js';
import { addRequestEvent, listRequestEvents } from '../history.js';
import { findRequestByNumber } from '../repo.js';

export type AppointmentChange = 'booked' | 'moved' | 'cancelled';

export async function recordAppointment(
  ctx: AppContext,
  event: DomainEvent<'appointment.booked' | 'appointment.moved' | 'appointment.cancelled'>,
  change: AppointmentChange,
): Promise<void> {
  const { requestNumber, bookingId, motifName, startsAt } = event.data;
  if (!requestNumber) return;
  await withTenant(ctx.database, event.communeId, async (tx) => {
    const request = await findRequestByNumber(tx, event.communeId, requestNumber);
    if (!request) return;
    const history = await listRequestEvents(tx, request.id, { includeInternal: true });
    if (history.some((e) => e.kind === 'appointment' && e.data.eventId === event.id)) return;
    await addRequestEvent(tx, {
      requestId: request.id,
      kind: 'appointment',
      authorId: null,
      authorRole: 'system',
      isInternal: false,
      data: { eventId: event.id, change, bookingId, motif: motifName, startsAt },
    });
  });
}
