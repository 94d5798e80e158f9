/**
 * Ordered SQL migrations (migrations/NNNN_name.sql), each applied once in its own transaction,
 * recorded in schema_migration with a checksum. After them, the grants of the application role
 * are (re)applied: the role may read and write tenant tables but owns none of them, and may only
 * append to the audit journal.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

/** Lists the migration files in order. */
export function readMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: file.slice(0, 4),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** Raised when a migration cannot be applied; the message says what to do. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

const LOCK_KEY = 7_234_001; // advisory lock held while migrating, so two processes never race

/**
 * Applies pending migrations through `pool` (which must connect as the owner of the schema),
 * then grants the application role its rights. Returns the versions applied now.
 */
export async function migrate(pool: pg.Pool, appRole: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrationFiles(dir);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migration',
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const file of files) {
      const previous = done.get(file.version);
      if (previous !== undefined) {
        if (previous !== file.checksum) {
          throw new MigrationError(
            `La migration ${file.version}_${file.name} a été modifiée après son application : ` +
              'ajoutez une nouvelle migration au lieu de modifier une migration appliquée.',
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [
          file.version,
          file.name,
          file.checksum,
        ]);
        await client.query('COMMIT');
        applied.push(file.version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Échec de la migration ${file.version}_${file.name} : ${(error as Error).message}`);
      }
    }
    await grantAppRole(client, appRole);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    client.release();
  }
  return applied;
}

async function grantAppRole(client: pg.PoolClient, appRole: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(appRole)) throw new MigrationError(`Nom de rôle invalide : ${appRole}`);
  const { rows } = await client.query<{ exists: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists',
    [appRole],
  );
  if (!rows[0]?.exists) {
    try {
      await client.query(`CREATE ROLE ${appRole} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    } catch (error) {
      throw new MigrationError(
        `Le rôle applicatif « ${appRole} » n'existe pas et ne peut pas être créé ici (${(error as Error).message}). ` +
          `Créez-le : CREATE ROLE ${appRole} LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS; (voir docs/operations/install.md).`,
      );
    }
  }
  await client.query(`
    GRANT USAGE ON SCHEMA public TO ${appRole};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole};
    REVOKE INSERT, UPDATE, DELETE ON schema_migration FROM ${appRole};
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM ${appRole};
    GRANT EXECUTE ON FUNCTION api_token_by_hash(text) TO ${appRole};
    DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO ${appRole}', current_database()); END $$;
  `);
}

/** Versions present on disk but not applied in the database (empty when up to date). */
export async function pendingMigrations(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const { rows } = await pool.query<{ version: string }>('SELECT version FROM schema_migration');
  const applied = new Set(rows.map((r) => r.version));
  return readMigrationFiles(dir)
    .map((f) => f.version)
    .filter((v) => !applied.has(v));
}
