/** Drizzle definitions of the notification tables (migrations/0010_notification_templates.sql is the source of truth). */
import { boolean, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const notificationTemplate = pgTable(
  'notification_template',
  {
    communeId: uuid('commune_id').notNull(),
    key: text('key').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.communeId, t.key] })],
);

export const notificationSetting = pgTable('notification_setting', {
  communeId: uuid('commune_id').primaryKey(),
  smsOnStatusChange: boolean('sms_on_status_change').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type NotificationTemplateRow = typeof notificationTemplate.$inferSelect;
