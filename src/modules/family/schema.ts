/** Drizzle definitions of the family portal's tables (migrations/0022_family_tariffs.sql is the source of truth). */
import { date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TariffRules } from './tariffs/pricing.js';

export const familyActivity = pgTable('family_activity', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  position: integer('position').notNull().default(0),
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

export type ActivityRow = typeof familyActivity.$inferSelect;
export type TariffGridRow = typeof familyTariffGrid.$inferSelect;
