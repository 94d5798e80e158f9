/** Drizzle definitions of the admin module's tables (migrations/0011_form_editor.sql is the source of truth). */
import { integer, jsonb, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';

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
