/** Drizzle definition of the continuity record (migrations/0024 and 0042 are the source of truth). */
import { date, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const RUN_KINDS = ['sauvegarde', 'exercice', 'copie_hors_ligne', 'restauration', 'export', 'import'] as const;
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

/** The tiers whose lateness is mailed to the operator. */
export type AlertTier = 'sauvegarde' | 'exercice' | 'copie_hors_ligne';

/** One row per tier and day an operator mail was queued (at most one a day per tier). */
export const continuityAlert = pgTable(
  'continuity_alert',
  {
    tier: text('tier').$type<AlertTier>().notNull(),
    day: date('day').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tier, t.day] })],
);
