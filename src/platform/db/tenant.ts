/**
 * Transactions and tenant scope. Every use case runs in one transaction; a tenant transaction
 * sets `app.commune_id` locally, which the Row-Level Security policies read. Repositories still
 * filter by commune_id themselves: RLS is the second barrier, not the first.
 */

import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { AppError } from '../errors.js';
import { type BlobStore, bindBlobStore, postgresBlobBackend } from '../files/blob-store.js';
import { isUuid } from '../ids.js';
import type { Database } from './client.js';
import { schema } from './schema.js';
import { isDatabaseUnavailable } from './unavailable.js';

export type Db = NodePgDatabase<typeof schema>;

export interface Tx {
  /** Typed query builder bound to this transaction. */
  db: Db;
  /** The raw client of this transaction (for SQL that drizzle does not express, and the job queue). */
  client: pg.PoolClient;
  /** The commune of this transaction, or null for an instance-level transaction. */
  communeId: string | null;
  /** Registers work to run once the transaction has committed (never if it rolls back). */
  afterCommit(task: () => Promise<void> | void): void;
  /** The blob store (file bytes), bound to this transaction (platform/files/blob-store.ts). */
  blobs: BlobStore;
}

const defaultBlobBackend = postgresBlobBackend();

/** Runs `work` in a transaction scoped to one commune. */
export function withTenant<T>(database: Database, communeId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isUuid(communeId)) throw new AppError('tenant.invalid', `invalid commune id ${communeId}`, 404);
  return runTransaction(database, communeId, work);
}

/**
 * Lets the transaction read and write the personal records of one account (profile, household,
 * document vault: RLS on `account_id = app_current_account()`, decision 0010). Transaction-local,
 * like the commune; callers still filter by account id themselves.
 */
export async function scopeToAccount(tx: Tx, accountId: string): Promise<void> {
  if (!isUuid(accountId)) throw new AppError('account.invalid', `invalid account id ${accountId}`, 404);
  await tx.client.query("SELECT set_config('app.account_id', $1, true)", [accountId]);
}

/** Runs `work` in an instance-level transaction: tenant tables are invisible in it (RLS). */
export function withInstance<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return runTransaction(database, null, work);
}

async function runTransaction<T>(database: Database, communeId: string | null, work: (tx: Tx) => Promise<T>) {
  const client = await database.pool.connect();
  // A connection lost mid-transaction (the primary killed, a failover) reaches a checked-out
  // client as an 'error' event as well as a failed query: without a listener node-postgres would
  // throw it and stop the process. The client is then destroyed rather than returned to the pool.
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  const release = (error?: unknown) => {
    client.off('error', onLost);
    client.release(lost ?? (isDatabaseUnavailable(error) ? (error as Error) : undefined));
  };
  const tasks: Array<() => Promise<void> | void> = [];
  let result: T;
  try {
    await client.query('BEGIN');
    if (communeId) await client.query("SELECT set_config('app.commune_id', $1, true)", [communeId]);
    result = await work({
      db: drizzle(client, { schema }),
      client,
      communeId,
      afterCommit: (task) => tasks.push(task),
      blobs: bindBlobStore(database.blobs ?? defaultBlobBackend, client, (task) => tasks.push(task)),
    });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    release(error);
    throw error;
  }
  release();
  for (const task of tasks) await task();
  return result;
}
