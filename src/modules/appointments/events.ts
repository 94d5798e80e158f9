/**
 * The events the appointments module emits (typed through the platform's `DomainEvents`): a
 * booking made, cancelled or moved. The module's own waitlist listens to `appointment.freed`
 * (a seat came free: cancelled or moved away) to offer it to the next person.
 */

export interface AppointmentPayload {
  bookingId: string;
  motifId: string;
  agendaId: string;
  /** ISO instant of the appointment. */
  startsAt: string;
  /** The motif's name, as the person saw it. */
  motifName: string;
  /** The request the appointment was booked for, from a démarche's confirmation page; else null. */
  requestNumber: string | null;
}

declare module '../../platform/events/index.js' {
  interface DomainEvents {
    'appointment.booked': AppointmentPayload;
    'appointment.cancelled': AppointmentPayload;
    /** A booking moved to another time (`startsAt`: the new one). */
    'appointment.moved': AppointmentPayload;
    /** A seat came free at `startsAt` (a cancellation, or a booking moved to another time). */
    'appointment.freed': AppointmentPayload;
  }
}
