/** Drizzle definitions of the family portal's tables (migrations/0022_family_tariffs.sql is the source of truth). */
import { boolean, date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TariffRules } from './tariffs/pricing.js';

export const familyActivity = pgTable('family_activity', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  position: integer('position').notNull().default(0),
  openForEnrolment: boolean('open_for_enrolment').notNull().default(false),
  capacity: integer('capacity'),
  offerDays: integer('offer_days').notNull().default(3),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const familyTariffGrid = pgTable('family_tariff_grid', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }),
  rules: jsonb('rules').$type<TariffRules>().notNull(),
  source: text('source').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const ENROLMENT_STATUSES = ['inscrit', 'en_attente', 'place_proposee', 'annulee', 'expiree'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export const familyEnrolment = pgTable('family_enrolment', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id').notNull(),
  accountId: uuid('account_id').notNull(),
  childId: uuid('child_id').notNull(),
  childName: text('child_name').notNull(),
  childBirthDate: date('child_birth_date', { mode: 'string' }).notNull(),
  status: text('status').$type<EnrolmentStatus>().notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  offeredUntil: timestamp('offered_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type EnrolmentRow = typeof familyEnrolment.$inferSelect;
export type ActivityRow = typeof familyActivity.$inferSelect;
export type TariffGridRow = typeof familyTariffGrid.$inferSelect;
