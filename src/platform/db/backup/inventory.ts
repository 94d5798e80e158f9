/**
 * What a backup says about the database it holds, computed the same way when it is taken and when
 * it is restored: the migrations applied, each table's row count and content hash, and the head of
 * every commune's audit chain (the journal anchored outside the database: deleting the last entries
 * of a chain is then detectable by comparing with a backup or the offline copy).
 *
 * These queries need to see every row: they run on a client that bypasses Row-Level Security
 * (PGlite's superuser inside a transaction, or the superuser of a scratch cluster).
 */
import type pg from 'pg';

export interface TableInventory {
  rows: number;
  /** SHA-256 over the sorted SHA-256 of each row's text form (session settings fixed below). */
  sha256: string;
}

export interface AuditHead {
  communeId: string;
  slug: string;
  seq: number;
  hash: string;
}

export interface DatabaseInventory {
  migrations: string[];
  tables: Record<string, TableInventory>;
  auditHeads: AuditHead[];
}

/** Fixes every setting that changes a row's text form, for this transaction only. */
async function fixTextForms(client: pg.PoolClient | pg.Client): Promise<void> {
  await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';
    SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'`);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Inventory of the schema `public`, inside the caller's transaction (the caller opened it). */
export async function inventoryInTransaction(client: pg.PoolClient | pg.Client): Promise<DatabaseInventory> {
  await fixTextForms(client);
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename COLLATE "C"`,
  );
  const inventory: Record<string, TableInventory> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ rows: string; sha256: string }>(
      `SELECT count(*) AS rows,
              encode(sha256(convert_to(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''), 'UTF8')), 'hex') AS sha256
         FROM (SELECT encode(sha256(convert_to(t::text, 'UTF8')), 'hex') AS h FROM public.${quoteIdent(name)} t) s`,
    );
    inventory[name] = { rows: Number(rows[0]!.rows), sha256: rows[0]!.sha256 };
  }
  const { rows: migrations } = await client.query<{ version: string }>(
    'SELECT version FROM schema_migration ORDER BY version',
  );
  const { rows: heads } = await client.query<{ commune_id: string; slug: string; seq: string; hash: string }>(
    `SELECT DISTINCT ON (a.commune_id) a.commune_id, c.slug, a.seq, a.hash
       FROM audit_entry a JOIN commune c ON c.id = a.commune_id
      ORDER BY a.commune_id, a.seq DESC`,
  );
  return {
    migrations: migrations.map((m) => m.version),
    tables: inventory,
    auditHeads: heads
      .map((h) => ({ communeId: h.commune_id, slug: h.slug, seq: Number(h.seq), hash: h.hash }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  };
}

export interface InventoryDifference {
  table: string;
  expected: TableInventory | undefined;
  actual: TableInventory | undefined;
}

/** Tables whose row count or content hash differs between two inventories. */
export function compareTables(
  expected: Record<string, TableInventory>,
  actual: Record<string, TableInventory>,
): InventoryDifference[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((t) => expected[t]?.rows !== actual[t]?.rows || expected[t]?.sha256 !== actual[t]?.sha256)
    .map((table) => ({ table, expected: expected[table], actual: actual[table] }));
}
