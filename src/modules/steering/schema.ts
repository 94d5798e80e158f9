/** Drizzle definition of the pilotage table (migrations/0045_steering_assumptions.sql is the source of truth). */
import { numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const steeringAssumption = pgTable('steering_assumption', {
  communeId: uuid('commune_id').notNull(),
  key: text('key').notNull(),
  value: numeric('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});
