/**
 * Calendar files (RFC 5545), written with ical.js, for any module that lets a person add an event
 * to their calendar (an appointment, a council séance): one VEVENT in UTC with a stable UID, so
 * that a changed event replaces the old one (SEQUENCE grows with each change), and a cancelled
 * one is marked CANCELLED. Lines end with CRLF as the RFC asks.
 */
import ICAL from 'ical.js';

export interface CalendarEvent {
  /** Stable and unique per event, e.g. `rendez-vous-<id>@<host>`. */
  uid: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  location: string;
  description: string;
  /** Number of changes so far (0 at first). */
  sequence: number;
  cancelled?: boolean;
  /** A page about the event. */
  url?: string;
  /** Instant the file is written (default: now). */
  stamp?: Date;
}

function utc(date: Date): ICAL.Time {
  return ICAL.Time.fromJSDate(date, true);
}

/** A VCALENDAR with one event; `product` names the writer in PRODID (`-//Guichet//<product>//FR`). */
export function calendarFile(product: string, event: CalendarEvent): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', `-//Guichet//${product}//FR`);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', event.cancelled ? 'CANCEL' : 'PUBLISH');
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', event.uid);
  vevent.addPropertyWithValue('dtstamp', utc(event.stamp ?? new Date()));
  vevent.addPropertyWithValue('dtstart', utc(event.startsAt));
  vevent.addPropertyWithValue('dtend', utc(event.endsAt));
  vevent.addPropertyWithValue('sequence', event.sequence);
  vevent.addPropertyWithValue('summary', event.summary);
  vevent.addPropertyWithValue('location', event.location);
  vevent.addPropertyWithValue('description', event.description);
  if (event.url) vevent.addPropertyWithValue('url', event.url);
  vevent.addPropertyWithValue('status', event.cancelled ? 'CANCELLED' : 'CONFIRMED');
  calendar.addSubcomponent(vevent);
  return `${calendar.toString().replace(/\r?\n/g, '\r\n')}\r\n`;
}
