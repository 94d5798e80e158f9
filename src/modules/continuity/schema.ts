/** Drizzle definition of the continuity record (migrations/0024_continuity.sql is the source of truth). */
import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const RUN_KINDS = ['sauvegarde', 'exercice', 'copie_hors_ligne', 'restauration', 'export'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type RunOutcome = 'reussi' | 'echoue';

export const continuityRun = pgTable('continuity_run', {
  id: uuid('id').primaryKey(),
  kind: text('kind').$type<RunKind>().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  durationMs: integer('duration_ms').notNull(),
  outcome: text('outcome').$type<RunOutcome>().notNull(),
  archive: text('archive'),
  detail: text('detail').notNull().default(''),
});

export type ContinuityRunRow = typeof continuityRun.$inferSelect;
