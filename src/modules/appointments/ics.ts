/**
 * The calendar file of an appointment (RFC 5545, through the platform's writer): one VEVENT in
 * UTC, with a stable UID per booking so that a moved appointment replaces the old one in the
 * person's calendar (SEQUENCE grows with each change), and a cancelled one is marked CANCELLED.
 */
import { calendarFile } from '../../platform/calendar/ics.js';

export interface AppointmentEvent {
  bookingId: string;
  hostname: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  location: string;
  description: string;
  /** Number of changes so far (0 when booked). */
  sequence: number;
  cancelled?: boolean;
}

export function appointmentIcs(event: AppointmentEvent): string {
  const { bookingId, hostname, ...rest } = event;
  return calendarFile('Rendez-vous', { uid: `rendez-vous-${bookingId}@${hostname}`, ...rest });
}
