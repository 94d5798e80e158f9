import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { withInstance } from '../db/tenant.js';
import type { JobDefinition } from './queue.js';

async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe.each(TEST_ENGINES)('job queue on %s', (engine) => {
  let t: TestApp;
  let shouldFail = true;
  const runs: string[] = [];
  const flaky: JobDefinition = {
    name: 'test.flaky',
    schema: z.object({ label: z.string() }),
    retryLimit: 1,
    retryDelaySeconds: 1,
    async run({ label }) {
      runs.push(label);
      if (shouldFail) throw new Error(`panne simulée pour ${label}`);
    },
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { queueRole: 'worker', extraJobs: [flaky] });
  });
  afterAll(() => t?.close());

  it('registers the scheduled platform jobs with the Paris time zone', async () => {
    const { rows } = await t.runtime.database.pool.query(
      'SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name',
    );
    // The platform's own schedules; modules add theirs (parapheur reminders, family offers…), all on Paris time.
    expect(rows).toEqual(
      expect.arrayContaining([
        { name: 'audit.verify', cron: '17 3 * * *', timezone: 'Europe/Paris' },
        { name: 'platform.rate_limit.purge', cron: '*/15 * * * *', timezone: 'Europe/Paris' },
      ]),
    );
    expect(rows.every((r) => r.timezone === 'Europe/Paris')).toBe(true);
  });

  it('retries a failing job, then dead-letters it, and an admin can replay it', async () => {
    await withInstance(t.runtime.database, (tx) => t.runtime.queue.enqueue(tx, 'test.flaky', { label: 'lettre-1' }));
    const dead = await waitUntil(async () => {
      const list = await t.runtime.queue.listDeadLetters();
      return list.length > 0 ? list : undefined;
    }, 30_000);
    expect(runs).toEqual(['lettre-1', 'lettre-1']); // first run + one retry
    expect(dead[0]).toMatchObject({
      queue: 'test.flaky',
      data: { label: 'lettre-1' },
      error: 'panne simulée pour lettre-1',
    });

    shouldFail = false;
    expect(await t.runtime.queue.replayDeadLetter('test.flaky', dead[0]!.id)).toBe(true);
    await waitUntil(() => (runs.length === 3 ? true : undefined));
    expect(await t.runtime.queue.listDeadLetters()).toEqual([]);
    await waitUntil(async () =>
      (await t.runtime.queue.countByState('test.flaky')).completed === 1 ? true : undefined,
    );
    expect(await t.runtime.queue.replayDeadLetter('test.flaky', dead[0]!.id)).toBe(false);
  });

  it('rejects a payload that does not match the job schema at enqueue time', async () => {
    await expect(
      withInstance(t.runtime.database, (tx) => t.runtime.queue.enqueue(tx, 'test.flaky', { label: 42 })),
    ).rejects.toThrow();
  });
});
