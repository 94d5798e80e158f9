/**
 * The calendar file of an appointment (RFC 5545), written with ical.js: one VEVENT in UTC, with a
 * stable UID per booking so that a moved appointment replaces the old one in the person's
 * calendar (SEQUENCE grows with each change), and a cancelled one is marked CANCELLED.
 */
import ICAL from 'ical.js';

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

function utc(date: Date): ICAL.Time {
  return ICAL.Time.fromJSDate(date, true);
}

export function appointmentIcs(event: AppointmentEvent): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', '-//Guichet//Rendez-vous//FR');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', event.cancelled ? 'CANCEL' : 'PUBLISH');
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', `rendez-vous-${event.bookingId}@${event.hostname}`);
  vevent.addPropertyWithValue('dtstamp', utc(new Date()));
  vevent.addPropertyWithValue('dtstart', utc(event.startsAt));
  vevent.addPropertyWithValue('dtend', utc(event.endsAt));
  vevent.addPropertyWithValue('sequence', event.sequence);
  vevent.addPropertyWithValue('summary', event.summary);
  vevent.addPropertyWithValue('location', event.location);
  vevent.addPropertyWithValue('description', event.description);
  vevent.addPropertyWithValue('status', event.cancelled ? 'CANCELLED' : 'CONFIRMED');
  calendar.addSubcomponent(vevent);
  return `${calendar.toString().replace(/\r?\n/g, '\r\n')}\r\n`;
}
