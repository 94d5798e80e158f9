/**
 * Test databases: every test file gets its own fresh database on each engine under test —
 * PGlite in memory always, and PostgreSQL when TEST_DATABASE_URL (a superuser URL) is set, in a
 * new database owned by a dedicated owner role, the app connecting as a non-owner role.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { assumeAppRole, type Database, type Engine, openPglite, openPostgres } from '../platform/db/client.js';
import { migrate } from '../platform/db/migrate.js';

export const TEST_APP_ROLE = 'guichet_test_app';
const TEST_OWNER_ROLE = 'guichet_test_owner';

/** The engines this run tests against. */
export const TEST_ENGINES: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  database: Database;
  /** Runs SQL as a superuser, bypassing RLS and grants (to simulate tampering or inspect). */
  asSuperuser<T extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  /** URL of the app role (PostgreSQL only), for processes started by the test. */
  appUrl?: string;
  /** URL of the owner role (PostgreSQL only). */
  ownerUrl?: string;
  /** URL of the superuser on the test database (PostgreSQL only), for multi-statement inspection. */
  superuserUrl?: string;
  drop(): Promise<void>;
}

function withUserAndDatabase(base: string, user: string, database: string): string {
  const url = new URL(base);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

async function ensureRole(admin: pg.Client, sql: string): Promise<void> {
  try {
    await admin.query(sql);
  } catch (error) {
    // Another test file created it at the same moment.
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '23505' && code !== 'XX000') throw error;
  }
}

/** `migrationsDir`: apply only the migrations of that folder (to test a later migration on old data). */
export async function createTestDatabase(engine: Engine, migrationsDir?: string): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const database = await openPglite(undefined, TEST_APP_ROLE);
    await migrate(database.pool, TEST_APP_ROLE, migrationsDir);
    await assumeAppRole(database);
    return {
      database,
      async asSuperuser(text, values) {
        const client = await database.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SET LOCAL ROLE postgres');
          const result = await client.query(text, values);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
      drop: () => database.close(),
    };
  }
  const baseUrl = process.env.TEST_DATABASE_URL!;
  const name = `guichet_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = async (role: string) =>
    (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
  if (!(await exists(TEST_OWNER_ROLE))) await ensureRole(admin, `CREATE ROLE ${TEST_OWNER_ROLE} LOGIN NOSUPERUSER`);
  if (!(await exists(TEST_APP_ROLE))) {
    await ensureRole(admin, `CREATE ROLE ${TEST_APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
  }
  await admin.query(`CREATE DATABASE ${name} OWNER ${TEST_OWNER_ROLE}`);
  await admin.end();

  const ownerUrl = withUserAndDatabase(baseUrl, TEST_OWNER_ROLE, name);
  const appUrl = withUserAndDatabase(baseUrl, TEST_APP_ROLE, name);
  const superUrl = new URL(baseUrl);
  superUrl.pathname = `/${name}`;
  const owner = openPostgres(ownerUrl, TEST_APP_ROLE, 1);
  await migrate(owner.pool, TEST_APP_ROLE, migrationsDir);
  await owner.close();
  const database = openPostgres(appUrl, TEST_APP_ROLE, 5);
  const superPool = new pg.Pool({ connectionString: superUrl.toString(), max: 1 });
  // pool.end() may resolve while its last connection is still closing; the forced DROP below then
  // terminates that connection (57P01), which is expected: any other error still surfaces.
  superPool.on('error', (error) => {
    if ((error as { code?: string }).code !== '57P01') throw error;
  });
  return {
    database,
    appUrl,
    ownerUrl,
    superuserUrl: superUrl.toString(),
    asSuperuser: (text, values) => superPool.query(text, values),
    async drop() {
      await database.close();
      await superPool.end();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
