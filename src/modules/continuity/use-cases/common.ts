/** What the continuity use cases need, and the record of each run (success or failure). */
import type { Config } from '../../../config/config.js';
import type { Database } from '../../../platform/db/client.js';
import { withInstance } from '../../../platform/db/tenant.js';
import { insertRun } from '../repo.js';
import type { RunKind } from '../schema.js';

export interface ContinuityDeps {
  database: Database;
  config: Pick<Config, 'continuity' | 'blobs' | 'dataDir' | 'dbAppRole'>;
}

/** Runs `work`, then records the run (its duration, outcome and detail) in the instance's record. */
export async function recorded<T extends { archive: string | null; detail: string }>(
  database: Database,
  kind: RunKind,
  work: () => Promise<T>,
  clock: () => Date = () => new Date(),
): Promise<T & { durationMs: number }> {
  const startedAt = clock();
  try {
    const result = await work();
    const finishedAt = clock();
    await withInstance(database, (tx) =>
      insertRun(tx, { kind, startedAt, finishedAt, outcome: 'reussi', archive: result.archive, detail: result.detail }),
    );
    return { ...result, durationMs: finishedAt.getTime() - startedAt.getTime() };
  } catch (error) {
    const finishedAt = clock();
    await withInstance(database, (tx) =>
      insertRun(tx, {
        kind,
        startedAt,
        finishedAt,
        outcome: 'echoue',
        archive: null,
        detail: (error as Error).message,
      }),
    ).catch(() => {});
    throw error;
  }
}
