/**
 * Reversibility, the way back in: one commune's export archive (commune-export.ts, sealed with age)
 * written into another instance. Everything is checked before anything is written — SHA256SUMS,
 * authenticated decryption, the manifest's SHA-256 of every file, the schema (every migration of
 * the exporting instance applied here, every exported column known here), and that no commune of
 * this instance has the same identifier, slug, INSEE code or address. Then the rows go in, in one
 * tenant transaction of the imported commune (Row-Level Security checks every row written: the
 * import cannot write into another commune), and the files into this instance's blob store.
 *
 * People's accounts are not in an export (each person exports their own, RGPD): a reference to an
 * account this instance does not have gets a disabled placeholder account of the same identifier,
 * so that what the commune's agents did keeps its author (decision 0049).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../client.js';
import { type Tx, withTenant } from '../tenant.js';
import { BackupError } from './age.js';
import { runTool } from './archive.js';
import { EXPORT_FORMAT, EXPORT_PART, type ExportManifest, hashTree } from './commune-export.js';
import { openBackup } from './embedded.js';

export interface CommuneImportOutcome {
  manifest: ExportManifest;
  tables: Record<string, number>;
  files: number;
  placeholderAccounts: number;
}

interface TargetColumn {
  table: string;
  column: string;
  nullable: boolean;
  generated: boolean;
}

interface ForeignKey {
  source: string;
  target: string;
  columns: number;
  column: string;
  refColumn: string;
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The export's tables in an order where every referenced table comes before those referencing it. */
function insertionOrder(tables: string[], keys: ForeignKey[]): string[] {
  const pending = new Set(tables);
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending]
      .filter((t) => !keys.some((k) => k.source === t && k.target !== t && pending.has(k.target)))
      .sort();
    // A cycle (none today): the rest in name order; a foreign key then refuses, and nothing is written.
    const next = ready.length > 0 ? ready : [...pending].sort();
    for (const t of next) {
      pending.delete(t);
      order.push(t);
    }
  }
  return order;
}

async function readRows(dir: string, table: string): Promise<Array<Record<string, unknown>>> {
  try {
    const rows = JSON.parse(await fs.readFile(path.join(dir, 'tables', `${table}.json`), 'utf8')) as unknown;
    if (!Array.isArray(rows)) throw new Error('not an array');
    return rows as Array<Record<string, unknown>>;
  } catch (error) {
    throw new BackupError(`La table « ${table} » de l’export est illisible (${(error as Error).message}).`, table);
  }
}

/** Checks the unpacked directory against the manifest: the same files, each with its SHA-256. */
async function checkFiles(dir: string, manifest: ExportManifest): Promise<void> {
  const actual = await hashTree(dir);
  for (const [rel, sha] of Object.entries(manifest.files)) {
    if (actual[rel] === undefined)
      throw new BackupError(`Le fichier « ${rel} » du manifeste manque dans l’export.`, rel);
    if (actual[rel] !== sha) {
      throw new BackupError(
        `Le fichier « ${rel} » est altéré : son empreinte SHA-256 (${actual[rel].slice(0, 12)}…) ne correspond pas au manifeste (${sha.slice(0, 12)}…).`,
        rel,
      );
    }
  }
  const extra = Object.keys(actual).filter((rel) => manifest.files[rel] === undefined);
  if (extra.length > 0) throw new BackupError(`Le fichier « ${extra[0]} » n’est pas dans le manifeste.`, extra[0]);
  for (const rel of Object.keys(manifest.files).filter((r) => r.startsWith('fichiers/'))) {
    if (path.posix.basename(rel) !== manifest.files[rel]) {
      throw new BackupError(`Le fichier « ${rel} » n’est pas nommé par l’empreinte de son contenu.`, rel);
    }
  }
}

async function refuseExistingCommune(tx: Tx, commune: Record<string, unknown>): Promise<void> {
  const { rows } = await tx.client.query<{ slug: string; reason: string }>(
    `SELECT slug, CASE WHEN id = $1 THEN 'le même identifiant'
                       WHEN slug = $2 THEN 'la même adresse courte (slug)'
                       WHEN insee_code = $3 THEN 'le même code INSEE'
                       ELSE 'le même nom d’hôte' END AS reason
       FROM commune WHERE id = $1 OR slug = $2 OR insee_code = $3 OR hostname = $4
      ORDER BY slug LIMIT 1`,
    [commune.id, commune.slug, commune.insee_code ?? null, commune.hostname ?? null],
  );
  if (rows[0]) {
    throw new BackupError(
      `La commune « ${String(commune.slug)} » existe déjà dans cette instance : « ${rows[0].slug} » a ${rows[0].reason}. L’import n’a rien écrit ; il ne remplace ni ne fusionne jamais une commune.`,
    );
  }
}

/** Decrypts and checks an export archive, then writes its commune into `database`. */
export async function importCommune(
  database: Database,
  file: string,
  identityFile: string,
  audit: (tx: Tx, outcome: Omit<CommuneImportOutcome, 'manifest'>, manifest: ExportManifest) => Promise<void>,
): Promise<CommuneImportOutcome> {
  const opened = await openBackup(file, identityFile, EXPORT_FORMAT);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-import-'));
  try {
    const manifest = opened.manifest as unknown as ExportManifest;
    const tar = opened.parts.get(EXPORT_PART);
    if (!tar) throw new BackupError(`La partie « ${EXPORT_PART} » manque dans le manifeste.`, EXPORT_PART);
    await runTool('tar', ['--extract', '--file', tar, '--directory', work, '--no-same-owner'], 'Lecture de l’export');
    await checkFiles(work, manifest);
    const tables = Object.keys(manifest.tables).sort();
    const bad = tables.find((t) => !TABLE_NAME.test(t));
    if (bad !== undefined || !tables.includes('commune')) {
      throw new BackupError(`Le manifeste de l’export est incohérent (table « ${bad ?? 'commune'} »).`);
    }
    const data = new Map<string, Array<Record<string, unknown>>>();
    for (const t of tables) {
      const rows = await readRows(work, t);
      if (rows.length !== manifest.tables[t]) {
        throw new BackupError(
          `La table « ${t} » a ${rows.length} lignes, le manifeste en annonce ${manifest.tables[t]}.`,
          t,
        );
      }
      data.set(t, rows);
    }
    const commune = data.get('commune')!;
    const communeId = manifest.commune.id;
    if (commune.length !== 1 || commune[0]!.id !== communeId || commune[0]!.slug !== manifest.commune.slug) {
      throw new BackupError('La table « commune » de l’export ne correspond pas au manifeste.', 'commune');
    }
    for (const [t, rows] of data) {
      if (t !== 'commune' && rows.some((r) => r.commune_id !== communeId)) {
        throw new BackupError(`La table « ${t} » contient des lignes d’une autre commune.`, t);
      }
    }
    const files = Object.keys(manifest.files).filter((r) => r.startsWith('fichiers/'));

    return await withTenant(database, communeId, async (tx) => {
      await tx.client.query("SET LOCAL TimeZone = 'UTC'");
      const { rows: applied } = await tx.client.query<{ version: string }>('SELECT version FROM schema_migration');
      const here = new Set(applied.map((m) => m.version));
      const missing = manifest.migrations.filter((m) => !here.has(m));
      if (missing.length > 0) {
        throw new BackupError(
          `Cette instance n’a pas la migration ${missing[0]} de l’instance d’origine (Guichet ${manifest.guichetVersion}) : mettez Guichet à jour et lancez « guichet migrate » avant d’importer.`,
        );
      }
      await refuseExistingCommune(tx, commune[0]!);
      const { rows: columns } = await tx.client.query<TargetColumn>(
        `SELECT c.table_name AS table, c.column_name AS column, c.is_nullable = 'YES' AS nullable,
                c.is_generated = 'ALWAYS' AS generated
           FROM information_schema.columns c JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema = 'public'`,
      );
      const { rows: keys } = await tx.client.query<ForeignKey>(
        `SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target,
                array_length(conkey, 1) AS columns,
                (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1]) AS column,
                (SELECT attname FROM pg_attribute WHERE attrelid = confrelid AND attnum = confkey[1]) AS "refColumn"
           FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
      );
      // The schema first: every exported column must exist here (nothing written yet).
      const insertable = new Map<string, string[]>();
      for (const [t, rows] of data) {
        const known = columns.filter((c) => c.table === t);
        if (known.length === 0) throw new BackupError(`La table « ${t} » n’existe pas dans cette instance.`, t);
        const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
        const unknown = names.find((n) => !known.some((c) => c.column === n));
        if (unknown) {
          throw new BackupError(`La colonne « ${t}.${unknown} » de l’export n’existe pas dans cette instance.`, t);
        }
        insertable.set(
          t,
          names.filter((n) => !known.find((c) => c.column === n)!.generated),
        );
      }
      // References to rows an export does not hold (accounts, instance records).
      let placeholderAccounts = 0;
      for (const key of keys.filter((k) => k.columns === 1 && data.has(k.source) && !data.has(k.target))) {
        const values = [
          ...new Set(
            data
              .get(key.source)!
              .map((r) => r[key.column])
              .filter((v) => v !== null && v !== undefined)
              .map(String),
          ),
        ];
        if (values.length === 0) continue;
        if (key.target === 'account' && key.refColumn === 'id') {
          const created = await tx.client.query(
            `INSERT INTO account (id, email, disabled_at)
             SELECT v, v::text || '@compte-importe.invalid', now() FROM unnest($1::uuid[]) v
             ON CONFLICT (id) DO NOTHING`,
            [values],
          );
          placeholderAccounts += created.rowCount ?? 0;
          continue;
        }
        const { rows: found } = await tx.client.query<{ v: string }>(
          `SELECT ${quoteIdent(key.refColumn)}::text AS v FROM public.${quoteIdent(key.target)}
            WHERE ${quoteIdent(key.refColumn)}::text = ANY($1::text[])`,
          [values],
        );
        const present = new Set(found.map((f) => f.v));
        const absent = values.filter((v) => !present.has(v));
        if (absent.length === 0) continue;
        const nullable = columns.find((c) => c.table === key.source && c.column === key.column)?.nullable;
        if (!nullable) {
          throw new BackupError(
            `La colonne « ${key.source}.${key.column} » désigne des lignes de « ${key.target} » absentes de cette instance.`,
            key.source,
          );
        }
        for (const r of data.get(key.source)!) if (absent.includes(String(r[key.column]))) r[key.column] = null;
      }
      const outcome: Omit<CommuneImportOutcome, 'manifest'> = { tables: {}, files: 0, placeholderAccounts };
      for (const t of insertionOrder([...data.keys()], keys)) {
        const rows = data.get(t)!;
        outcome.tables[t] = rows.length;
        const list = insertable.get(t)!.map(quoteIdent).join(', ');
        for (let i = 0; i < rows.length; i += 500) {
          await tx.client.query(
            `INSERT INTO public.${quoteIdent(t)} (${list})
             SELECT ${list} FROM json_populate_recordset(NULL::public.${quoteIdent(t)}, $1::json)`,
            [JSON.stringify(rows.slice(i, i + 500))],
          );
        }
      }
      for (const rel of files) {
        await tx.blobs.put({ communeId }, await fs.readFile(path.join(work, rel)));
        outcome.files += 1;
      }
      await audit(tx, outcome, manifest);
      return { manifest, ...outcome };
    });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
    await opened.close();
  }
}
