/**
 * A throw-away PostgreSQL database for one bench run: created (with its owner and application
 * roles) through a superuser URL, dropped at the end — also on failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerCleanup } from './cleanup.js';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const OWNER_ROLE = 'guichet_bench_owner';
export const APP_ROLE = 'guichet_bench_app';

export interface BenchDatabase {
  name: string;
  /** URL of the application role (no superuser, no BYPASSRLS, not owner). */
  appUrl: string;
  /** URL of the owner role, for migrations. */
  ownerUrl: string;
  drop(): Promise<void>;
}

/** Raised when PostgreSQL cannot be reached or is not usable: the caller skips that part. */
export class PostgresUnavailableError extends Error {
  override name = 'PostgresUnavailableError';
}

/** The URL without its password, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

function withUserAndDatabase(base: string, user: string, database: string): string {
  const url = new URL(base);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  let host: string;
  try {
    host = new URL(adminUrl).hostname;
  } catch {
    throw new PostgresUnavailableError(`BENCH_DATABASE_URL is not a valid URL`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new PostgresUnavailableError(`BENCH_DATABASE_URL must point at this machine (127.0.0.1), not ${host}`);
  }
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    throw new PostgresUnavailableError(`cannot connect to ${redactUrl(adminUrl)}: ${(error as Error).message}`);
  }
  const name = `guichet_bench_${randomBytes(6).toString('hex')}`;
  try {
    const { rows } = await admin.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    if (!rows[0]?.rolsuper) {
      throw new PostgresUnavailableError(`${redactUrl(adminUrl)} is not a superuser (needed to create roles)`);
    }
    const exists = async (role: string) =>
      (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    if (!(await exists(OWNER_ROLE))) await admin.query(`CREATE ROLE ${OWNER_ROLE} LOGIN NOSUPERUSER`);
    if (!(await exists(APP_ROLE))) {
      await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    }
    await admin.query(`CREATE DATABASE ${name} OWNER ${OWNER_ROLE}`);
  } finally {
    await admin.end();
  }

  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  const unregister = registerCleanup(`drop database ${name}`, drop);
  return {
    name,
    appUrl: withUserAndDatabase(adminUrl, APP_ROLE, name),
    ownerUrl: withUserAndDatabase(adminUrl, OWNER_ROLE, name),
    async drop() {
      unregister();
      await drop();
    },
  };
}

/**
 * A throw-away database on `BENCH_DATABASE_URL` (default: the local PostgreSQL), or null after
 * printing why the benchmark is skipped when no PostgreSQL answers.
 */
export async function benchDatabaseOrSkip(ctx: { print(line: string): void }): Promise<BenchDatabase | null> {
  try {
    return await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL);
  } catch (error) {
    if (error instanceof PostgresUnavailableError) {
      ctx.print(`skipped: ${error.message}`);
      return null;
    }
    throw error;
  }
}
