/**
 * The continuity record's queries. The table is instance-wide (backups hold every commune): these
 * functions run in instance transactions (withInstance), never in a commune's.
 */
import { and, desc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { type ContinuityRunRow, continuityRun, type RunKind, type RunOutcome } from './schema.js';

export interface RunRecord {
  kind: RunKind;
  startedAt: Date;
  finishedAt: Date;
  outcome: RunOutcome;
  archive: string | null;
  detail: string;
}

export async function insertRun(tx: Tx, run: RunRecord): Promise<ContinuityRunRow> {
  const [row] = await tx.db
    .insert(continuityRun)
    .values({
      id: uuidv7(),
      ...run,
      detail: run.detail.slice(0, 4000),
      durationMs: Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()),
    })
    .returning();
  return row!;
}

/** The latest run of a kind, optionally only the successful ones. */
export async function latestRun(tx: Tx, kind: RunKind, outcome?: RunOutcome): Promise<ContinuityRunRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(continuityRun)
    .where(
      outcome ? and(eq(continuityRun.kind, kind), eq(continuityRun.outcome, outcome)) : eq(continuityRun.kind, kind),
    )
    .orderBy(desc(continuityRun.finishedAt))
    .limit(1);
  return row;
}

export function recentRuns(tx: Tx, limit = 20): Promise<ContinuityRunRow[]> {
  return tx.db.select().from(continuityRun).orderBy(desc(continuityRun.finishedAt)).limit(limit);
}
