/**
 * Job queue on pg-boss, in both database modes: on PostgreSQL with its own pool, on PGlite
 * through pg-boss's `db.executeSql` option on the application's one-connection pool (never a
 * socket). Jobs are typed definitions in a registry; each queue has retries with exponential
 * backoff and a dead-letter queue `<name>.dead` that an admin can inspect and replay.
 * Jobs are enqueued inside the business transaction (pg-boss `db` option on the transaction's
 * client), so a job exists if and only if the transaction committed; an optional idempotency key
 * is taken in the same transaction.
 */
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database } from '../db/client.js';
import type { Tx } from '../db/tenant.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';

export interface JobContext {
  database: Database;
  logger: Logger;
  jobId: string;
  retryCount: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Validates the payload at enqueue time and again before running. */
  schema: S;
  retryLimit?: number;
  /** Seconds before the first retry; doubled at each retry (pg-boss retryBackoff). */
  retryDelaySeconds?: number;
  /**
   * Jobs fetched together and run in parallel (default 1). Each one completes or fails on its
   * own; a full batch is followed at once by the next fetch instead of waiting for the poll.
   */
  batchSize?: number;
  /** Seconds between two fetches of an idle queue (default 1, pg-boss minimum 0.5). */
  pollingIntervalSeconds?: number;
  /**
   * Seconds after which a running job counts as stuck (its process died or hung): pg-boss fails
   * it and retries it (default: pg-boss's 15 minutes).
   */
  expireInSeconds?: number;
  /** Cron expression (Europe/Paris) for scheduled jobs, with its payload. */
  schedule?: { cron: string; data: z.infer<S> };
  run(data: z.infer<S>, context: JobContext): Promise<void>;
}

export interface EnqueueOptions {
  /** A key that makes the enqueue happen at most once, ever. */
  idempotencyKey?: string;
  startAfter?: Date | number;
}

export interface DeadLetter {
  id: string;
  queue: string;
  data: unknown;
  createdOn: Date;
  error: string | null;
}

export const DEAD_SUFFIX = '.dead';

/** Wraps a node-postgres client or pool as pg-boss's Db. */
function asBossDb(target: { query: Database['pool']['query'] }): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[]) {
      const result = (await target.query(text, values?.length ? values : undefined)) as unknown;
      // Multi-statement texts (pg-boss sends "BEGIN; …; COMMIT") yield one result per statement.
      if (Array.isArray(result)) return (result[result.length - 1] as { rows: unknown[] }) ?? { rows: [] };
      return result as { rows: unknown[] };
    },
  };
}

export type QueueRole = 'producer' | 'worker';

export class JobQueue {
  readonly #definitions = new Map<string, JobDefinition>();
  #boss: PgBoss | undefined;

  constructor(
    private readonly database: Database,
    /** Also for the callers' own warnings about queued work (e.g. a mail cap). */
    readonly logger: Logger,
    private readonly serverUrl?: string,
  ) {}

  /** Adds a job definition; must be called before start(). */
  register<S extends z.ZodType>(definition: JobDefinition<S>): void {
    if (this.#definitions.has(definition.name)) throw new Error(`job ${definition.name} registered twice`);
    this.#definitions.set(definition.name, definition as unknown as JobDefinition);
  }

  definitions(): JobDefinition[] {
    return [...this.#definitions.values()];
  }

  /**
   * Starts pg-boss. A 'worker' also runs maintenance, schedules and the handlers; a 'producer'
   * (a web process in server mode) only enqueues.
   */
  async start(role: QueueRole): Promise<void> {
    const isWorker = role === 'worker';
    // Maintenance (which also fails expired jobs) every 20 s rather than pg-boss's 2 minutes, so a
    // job stuck in a dead process is retried about its expiry after it started.
    const common = {
      schema: 'pgboss',
      supervise: isWorker,
      schedule: isWorker,
      migrate: true,
      maintenanceIntervalSeconds: 20,
    } as const;
    const boss =
      this.database.engine === 'pglite' || !this.serverUrl
        ? new PgBoss({ ...common, db: asBossDb(this.database.pool) })
        : new PgBoss({ ...common, connectionString: this.serverUrl, max: isWorker ? 4 : 2 });
    boss.on('error', (error) => {
      // A failover or a restart of PostgreSQL: pg-boss reconnects by itself.
      if (isDatabaseUnavailable(error)) this.logger.warn({ err: error }, 'file de tâches : base injoignable');
      else this.logger.error({ err: error }, 'file de tâches : erreur');
    });
    await boss.start();
    this.#boss = boss;
    for (const def of this.#definitions.values()) {
      const dead = def.name + DEAD_SUFFIX;
      if (!(await boss.getQueue(dead))) await boss.createQueue(dead, { name: dead, retentionDays: 30 });
      const options: PgBoss.Queue = {
        name: def.name,
        retryLimit: def.retryLimit ?? 5,
        retryDelay: def.retryDelaySeconds ?? 30,
        retryBackoff: true,
        deadLetter: dead,
        ...(def.expireInSeconds ? { expireInSeconds: def.expireInSeconds } : {}),
      };
      if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, options);
      else await boss.createQueue(def.name, options);
    }
    if (!isWorker) return;
    for (const def of this.#definitions.values()) {
      if (def.schedule)
        await boss.schedule(def.name, def.schedule.cron, def.schedule.data as object, { tz: 'Europe/Paris' });
      const batchSize = def.batchSize ?? 1;
      let workerId: string | undefined;
      workerId = await boss.work<unknown>(
        def.name,
        { batchSize, pollingIntervalSeconds: def.pollingIntervalSeconds ?? 1, includeMetadata: true },
        async (jobs) => {
          if (batchSize === 1) {
            for (const job of jobs) await this.#runJob(def, job);
            return;
          }
          // In parallel, each job settled on its own: pg-boss would otherwise fail (and retry) the
          // whole batch for one error. Its own completion of the batch afterwards only touches
          // jobs still active, that is none.
          if (jobs.length === batchSize && workerId) boss.notifyWorker(workerId);
          await Promise.all(
            jobs.map(async (job) => {
              try {
                await this.#runJob(def, job);
              } catch (error) {
                await boss.fail(def.name, job.id, error as object);
                return;
              }
              await boss.complete(def.name, job.id);
            }),
          );
        },
      );
    }
  }

  async #runJob(def: JobDefinition, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const data = def.schema.parse(job.data);
    await def.run(data, {
      database: this.database,
      logger: this.logger.child({ job: def.name, jobId: job.id }),
      jobId: job.id,
      retryCount: job.retryCount,
    });
  }

  #requireBoss(): PgBoss {
    if (!this.#boss) throw new Error('job queue not started');
    return this.#boss;
  }

  #definition(name: string): JobDefinition {
    const def = this.#definitions.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    return def;
  }

  /**
   * Enqueues a job inside `tx`: it becomes visible to workers only if the transaction commits.
   * Returns the job id, or null when the idempotency key was already used.
   */
  async enqueue(tx: Tx, name: string, data: unknown, options: EnqueueOptions = {}): Promise<string | null> {
    const payload = this.#definition(name).schema.parse(data) as object;
    if (options.idempotencyKey) {
      const taken = await tx.client.query(
        'INSERT INTO job_idempotency (key, queue) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
        [options.idempotencyKey, name],
      );
      if (taken.rowCount === 0) return null;
    }
    const sendOptions: PgBoss.SendOptions = { db: asBossDb(tx.client) };
    if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter as Date;
    const id = await this.#requireBoss().send(name, payload, sendOptions);
    if (options.idempotencyKey && id) {
      await tx.client.query('UPDATE job_idempotency SET job_id = $1 WHERE key = $2', [id, options.idempotencyKey]);
    }
    return id;
  }

  /** Jobs that exhausted their retries, newest first. */
  async listDeadLetters(limit = 100): Promise<DeadLetter[]> {
    this.#requireBoss();
    const names = [...this.#definitions.keys()];
    const result = await this.database.pool.query<{
      id: string;
      name: string;
      data: unknown;
      created_on: Date;
      output: unknown;
    }>(
      `SELECT id, name, data, created_on, output FROM pgboss.job
        WHERE name = ANY($1::text[]) AND state IN ('created', 'retry')
        ORDER BY created_on DESC LIMIT $2`,
      [names.map((n) => n + DEAD_SUFFIX), limit],
    );
    const errors = await this.#lastErrors(result.rows.map((r) => r.data));
    return result.rows.map((row, i) => ({
      id: row.id,
      queue: row.name.slice(0, -DEAD_SUFFIX.length),
      data: row.data,
      createdOn: row.created_on,
      error: errors[i] ?? null,
    }));
  }

  /** The error message of the last failed run of the original job carrying each payload. */
  async #lastErrors(payloads: unknown[]): Promise<Array<string | null>> {
    const out: Array<string | null> = [];
    for (const data of payloads) {
      const { rows } = await this.database.pool.query<{ output: { message?: string } | null }>(
        `SELECT output FROM pgboss.job WHERE state = 'failed' AND data = $1::jsonb ORDER BY completed_on DESC LIMIT 1`,
        [JSON.stringify(data)],
      );
      out.push(rows[0]?.output?.message ?? null);
    }
    return out;
  }

  /** Sends a dead letter back to its original queue and removes it from the dead-letter queue. */
  async replayDeadLetter(queue: string, id: string): Promise<boolean> {
    const boss = this.#requireBoss();
    this.#definition(queue);
    const job = await boss.getJobById<object>(queue + DEAD_SUFFIX, id);
    if (!job || (job.state !== 'created' && job.state !== 'retry')) return false;
    await boss.send(queue, job.data);
    await boss.deleteJob(queue + DEAD_SUFFIX, id);
    return true;
  }

  /** Makes the jobs of a queue waiting for their next retry eligible at once ("relancer sans attendre"). */
  async retryNow(name: string): Promise<number> {
    this.#definition(name);
    const result = await this.database.pool.query(
      `UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry'`,
      [name],
    );
    return result.rowCount ?? 0;
  }

  /** Counts jobs by state for one queue (for the admin page and tests). */
  async countByState(name: string): Promise<Record<string, number>> {
    const { rows } = await this.database.pool.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM pgboss.job WHERE name = $1 GROUP BY state',
      [name],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async stop(): Promise<void> {
    if (!this.#boss) return;
    const boss = this.#boss;
    this.#boss = undefined;
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
