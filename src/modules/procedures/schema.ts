/**
 * Drizzle definitions of the démarches' tables (migrations/0006_requests.sql, 0007, 0011_form_editor.sql
 * and 0012_procedure_workflow.sql are the source of truth).
 */
import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const procedure = pgTable('procedure', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  category: text('category').notNull(),
  audience: text('audience', { enum: ['anyone', 'signedIn'] }).notNull(),
  serviceId: uuid('service_id').notNull(),
  silenceKind: text('silence_kind', { enum: ['accord', 'rejet'] }),
  silenceDays: integer('silence_days'),
  silenceBasis: text('silence_basis'),
  // migrations/0007_request_receipts_mail_attachments.sql
  silenceMonths: integer('silence_months'),
  processingDays: integer('processing_days').notNull(),
  isPublished: boolean('is_published').notNull(),
  currentVersion: integer('current_version').notNull(),
  // migrations/0012_procedure_workflow.sql (see workflow.ts; null = the default workflow)
  workflow: jsonb('workflow'),
  // migrations/0043_demarche_appointment.sql: the public task offered once a request is sent
  // (a key of the modules' public tasks, e.g. `rendez-vous:<motif id>`), or null.
  followUpTask: text('follow_up_task'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const formVersion = pgTable('form_version', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  procedureId: uuid('procedure_id').notNull(),
  version: integer('version').notNull(),
  definition: jsonb('definition').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const routingRule = pgTable('routing_rule', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  procedureId: uuid('procedure_id').notNull(),
  position: integer('position').notNull(),
  fieldId: text('field_id').notNull(),
  equals: text('equals').notNull(),
  serviceId: uuid('service_id').notNull(),
});

/** The working copy of a démarche's form (see the form editor). */
export const formWorkingCopy = pgTable(
  'form_working_copy',
  {
    communeId: uuid('commune_id').notNull(),
    procedureId: uuid('procedure_id').notNull(),
    baseVersion: integer('base_version').notNull(),
    definition: jsonb('definition').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.communeId, table.procedureId] })],
);

export type Procedure = typeof procedure.$inferSelect;
export type FormVersion = typeof formVersion.$inferSelect;
export type RoutingRule = typeof routingRule.$inferSelect;
