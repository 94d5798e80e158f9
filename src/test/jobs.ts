/**
 * Runs the queued jobs of one name right here, in the test, for apps started as producers (no
 * worker): each job still `created` is run once with its definition and marked completed.
 */
import type { TestApp } from './app.js';

export async function runQueuedJobs(t: TestApp, name: string): Promise<number> {
  const definition = t.runtime.queue.definitions().find((d) => d.name === name);
  if (!definition) throw new Error(`unknown job ${name}`);
  const { rows } = await t.testDb.asSuperuser<{ id: string; data: unknown }>(
    `SELECT id, data FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY created_on`,
    [name],
  );
  for (const job of rows) {
    await definition.run(definition.schema.parse(job.data), {
      database: t.runtime.database,
      logger: t.runtime.logger,
      jobId: job.id,
      retryCount: 0,
    });
    await t.testDb.asSuperuser(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = $1`, [
      job.id,
    ]);
  }
  return rows.length;
}
