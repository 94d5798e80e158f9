/**
 * Database client: one code path (node-postgres + drizzle) over two engines.
 * - embedded: PGlite in-process, reached through PGlite's in-process node-postgres adapter
 *   (a pool of exactly one connection, which serializes every transaction);
 * - server: PostgreSQL through a node-postgres pool.
 * See docs/decisions/0002-one-driver-node-postgres.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig, PglitePgConnection } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import type { Config } from '../../config/config.js';
import type { BlobBackend } from '../files/blob-store.js';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  engine: Engine;
  /** The application pool: every query runs as the non-owner, non-superuser application role. */
  pool: pg.Pool;
  /** Name of the application role (GUICHET_DB_APP_ROLE). */
  appRole: string;
  /** PGlite only: the instance, for administrative access in tests and tools. */
  pglite?: PGlite;
  /** Where file bytes go (set by the runtime from GUICHET_BLOB_STORE; the `blob` table when unset). */
  blobs?: BlobBackend;
  close(): Promise<void>;
}

let pgliteParsePatched = false;
/**
 * drizzle passes `types: { getTypeParser }` in its query config; PGlite's adapter expects an
 * array there and throws (`t.types?.forEach is not a function`). Drop the object form: type
 * parsing is done by node-postgres itself anyway. Upstream bug in @electric-sql/pglite 0.5.x.
 */
function patchPgliteParse(): void {
  if (pgliteParsePatched) return;
  pgliteParsePatched = true;
  const proto = PglitePgConnection.prototype as unknown as { parse(q: { types?: unknown }): void };
  const original = proto.parse;
  proto.parse = function parse(this: unknown, query: { types?: unknown }) {
    const fixed = query?.types && !Array.isArray(query.types) ? { ...query, types: undefined } : query;
    return original.call(this, fixed);
  };
}

/**
 * Opens PGlite at `dataDir` (or in memory when undefined) behind a one-connection pg pool.
 * `loadDataDir`: a snapshot (PGlite's dumpDataDir tar) to start from, for an empty `dataDir`.
 */
export async function openPglite(
  dataDir: string | undefined,
  appRole: string,
  options: { loadDataDir?: Blob } = {},
): Promise<Database> {
  patchPgliteParse();
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 } as pg.PoolConfig);
  return {
    engine: 'pglite',
    pool,
    appRole,
    pglite,
    async close() {
      await pool.end();
      await pglite.close();
    },
  };
}

/** Opens a node-postgres pool on a PostgreSQL server. */
export function openPostgres(url: string, appRole: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'guichet' });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  return {
    engine: 'postgres',
    pool,
    appRole,
    async close() {
      await pool.end();
    },
  };
}

/** Directory of the embedded database inside the data directory. */
export function embeddedDatabaseDir(config: Config): string {
  return path.join(config.dataDir, 'pglite');
}

/**
 * After migrations, PGlite's single session (a superuser that cannot be demoted) switches to the
 * application role for good, so that every later query — the app's and the job queue's — is
 * subject to the same grants and Row-Level Security as on PostgreSQL. This guards against
 * application bugs, not against code able to run arbitrary SQL (see ARCHITECTURE.md, "Tenancy").
 */
export async function assumeAppRole(database: Database): Promise<void> {
  if (database.engine === 'pglite') await database.pool.query(`SET ROLE ${database.appRole}`);
}
