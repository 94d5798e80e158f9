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

function vevent(event: CalendarEvent): ICAL.Component {
  const component = new ICAL.Component('vevent');
  component.addPropertyWithValue('uid', event.uid);
  component.addPropertyWithValue('dtstamp', utc(event.stamp ?? new Date()));
  component.addPropertyWithValue('dtstart', utc(event.startsAt));
  component.addPropertyWithValue('dtend', utc(event.endsAt));
  component.addPropertyWithValue('sequence', event.sequence);
  component.addPropertyWithValue('summary', event.summary);
  component.addPropertyWithValue('location', event.location);
  component.addPropertyWithValue('description', event.description);
  if (event.url) component.addPropertyWithValue('url', event.url);
  component.addPropertyWithValue('status', event.cancelled ? 'CANCELLED' : 'CONFIRMED');
  return component;
}

function vcalendar(product: string, method: string, events: readonly CalendarEvent[], name?: string): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', `-//Guichet//${product}//FR`);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', method);
  if (name) calendar.addPropertyWithValue('x-wr-calname', name);
  for (const event of events) calendar.addSubcomponent(vevent(event));
  return `${calendar.toString().replace(/\r?\n/g, '\r\n')}\r\n`;
}

/** A VCALENDAR with one event; `product` names the writer in PRODID (`-//Guichet//<product>//FR`). */
export function calendarFile(product: string, event: CalendarEvent): string {
  return vcalendar(product, event.cancelled ? 'CANCEL' : 'PUBLISH', [event]);
}

/** A calendar feed a calendar application subscribes to: every event, under a name it shows. */
export function calendarFeed(product: string, name: string, events: readonly CalendarEvent[]): string {
  return vcalendar(product, 'PUBLISH', events, name);
}
