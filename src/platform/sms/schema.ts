/** Drizzle definition of the SMS outbox (migrations/0010_notification_templates.sql is the source of truth). */
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const smsOutbox = pgTable('sms_outbox', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  template: text('template').notNull(),
  toNumber: text('to_number').notNull(),
  body: text('body').notNull(),
  status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error'),
  provider: text('provider'),
  providerMessageId: text('provider_message_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  sentAt: ts('sent_at'),
});

export type SmsOutboxRow = typeof smsOutbox.$inferSelect;
