/** Drizzle definitions of the appointments' tables (migrations/0019_appointments.sql is the source of truth). */
import { boolean, date, doublePrecision, integer, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const agenda = pgTable('appointment_agenda', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  serviceId: uuid('service_id').notNull(),
  place: text('place').notNull(),
  desk: text('desk').notNull(),
  address: text('address').notNull(),
  alsaceMoselle: boolean('alsace_moselle').notNull(),
  /** Where the place is, for the ANTS national search (both or neither). */
  latitude: doublePrecision('latitude'),
  longitude: doublePrecision('longitude'),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const opening = pgTable('appointment_opening', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  agendaId: uuid('agenda_id').notNull(),
  weekday: smallint('weekday').notNull(),
  startMinute: smallint('start_minute').notNull(),
  endMinute: smallint('end_minute').notNull(),
  validFrom: date('valid_from', { mode: 'string' }),
  validUntil: date('valid_until', { mode: 'string' }),
});

export const closure = pgTable('appointment_closure', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  agendaId: uuid('agenda_id').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  reason: text('reason').notNull(),
});

export type MotifKind = 'guichet' | 'telephone' | 'visio';
export type BookableBy = 'public' | 'signed_in' | 'agents';

export const motif = pgTable('appointment_motif', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  serviceId: uuid('service_id').notNull(),
  name: text('name').notNull(),
  kind: text('kind').$type<MotifKind>().notNull(),
  durationMinutes: smallint('duration_minutes').notNull(),
  bufferMinutes: smallint('buffer_minutes').notNull(),
  capacity: smallint('capacity').notNull(),
  minDelayHours: integer('min_delay_hours').notNull(),
  maxDelayDays: integer('max_delay_days').notNull(),
  bookableBy: text('bookable_by').$type<BookableBy>().notNull(),
  documents: text('documents').notNull(),
  reminderHours: integer('reminder_hours').array().notNull(),
  antsRequired: boolean('ants_required').notNull().default(false),
  /** Offered as a ticket in the walk-in queue at the accueil (kiosk, phone). */
  walkIn: boolean('walk_in').notNull().default(false),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export type BookingStatus = 'confirme' | 'annule' | 'arrive' | 'absent';
export type BookedBy = 'citizen' | 'visitor' | 'agent';

export const booking = pgTable('appointment_booking', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  agendaId: uuid('agenda_id').notNull(),
  motifId: uuid('motif_id').notNull(),
  startsAt: ts('starts_at').notNull(),
  endsAt: ts('ends_at').notNull(),
  seat: smallint('seat').notNull(),
  status: text('status').$type<BookingStatus>().notNull(),
  bookedBy: text('booked_by').$type<BookedBy>().notNull(),
  accountId: uuid('account_id'),
  agentAccountId: uuid('agent_account_id'),
  name: text('name').notNull(),
  email: text('email'),
  phone: text('phone'),
  /** The person asked for the reminders by SMS too, at the mobile number `phone`. */
  smsReminders: boolean('sms_reminders').notNull().default(false),
  antsNumber: text('ants_number'),
  /** The request a démarche's confirmation offered this appointment for (migrations/0043). */
  requestNumber: text('request_number'),
  tokenHash: text('token_hash').notNull(),
  sequence: smallint('sequence').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  cancelledAt: ts('cancelled_at'),
  checkedInAt: ts('checked_in_at'),
  noShowAt: ts('no_show_at'),
});

export type WaitlistStatus = 'attente' | 'offre' | 'accepte' | 'expire' | 'retire';

export const waitlist = pgTable('appointment_waitlist', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  bookingId: uuid('booking_id').notNull(),
  motifId: uuid('motif_id').notNull(),
  status: text('status').$type<WaitlistStatus>().notNull(),
  offeredStartsAt: ts('offered_starts_at'),
  offeredAgendaId: uuid('offered_agenda_id'),
  offerTokenHash: text('offer_token_hash'),
  offerExpiresAt: ts('offer_expires_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export type TicketStatus = 'attente' | 'appele' | 'servi' | 'absent' | 'annule';
export type TicketChannel = 'borne' | 'telephone' | 'agent';

/** A ticket of the day's walk-in queue (migrations/0031_appointments_walk_in.sql). */
export const ticket = pgTable('appointment_ticket', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  motifId: uuid('motif_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  number: integer('number').notNull(),
  status: text('status').$type<TicketStatus>().notNull(),
  channel: text('channel').$type<TicketChannel>().notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  calledAt: ts('called_at'),
  calledBy: uuid('called_by'),
  desk: text('desk'),
  finishedAt: ts('finished_at'),
});

export type Agenda = typeof agenda.$inferSelect;
export type OpeningRow = typeof opening.$inferSelect;
export type ClosureRow = typeof closure.$inferSelect;
export type Motif = typeof motif.$inferSelect;
export type Booking = typeof booking.$inferSelect;
export type WaitlistEntry = typeof waitlist.$inferSelect;
export type Ticket = typeof ticket.$inferSelect;

/** A private calendar feed of an agent: one desk, or every desk they work (agendaId null). */
export const feed = pgTable('appointment_feed', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id').notNull(),
  agendaId: uuid('agenda_id'),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});

export type Feed = typeof feed.$inferSelect;
