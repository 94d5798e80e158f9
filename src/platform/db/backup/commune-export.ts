/**
 * Reversibility: everything one commune owns, in open formats, so that it can leave its OPSN with
 * its data. Every table with a `commune_id` column (and the commune's own row) as CSV (RFC 4180,
 * UTF-8, header line) and JSON (an array of objects, PostgreSQL's row_to_json), the commune's files
 * under fichiers/<sha256> (from the `blob` table and, with GUICHET_BLOB_STORE=fs, its directory),
 * and a README.md of the formats, the columns and the relations (foreign keys).
 *
 * Read in one tenant transaction: the queries filter on the commune AND Row-Level Security hides
 * every other commune's rows (two barriers), so the export cannot hold another commune's data.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../client.js';
import { withTenant } from '../tenant.js';
import { encryptFile } from './age.js';
import { runTool, sha256File, writeArchive } from './archive.js';
import type { BackupPart } from './embedded.js';

export interface CommuneExportOutcome {
  tables: Record<string, number>;
  files: number;
  /** The migrations applied to the exporting database (an import needs them all). */
  migrations: string[];
}

/** The format of an export archive's manifest (`guichet import` reads it). */
export const EXPORT_FORMAT = 'guichet-export/1';
export const EXPORT_PART = 'export.tar';

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  createdAt: string;
  guichetVersion: string;
  commune: { id: string; slug: string; name: string };
  migrations: string[];
  tables: Record<string, number>;
  /** SHA-256 of every file of the export directory, by relative path (SHA256SUMS excepted). */
  files: Record<string, string>;
  parts: BackupPart[];
}

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function exportCommune(
  database: Database,
  commune: { id: string; slug: string; name: string },
  targetDir: string,
  options: { blobDir?: string; guichetVersion: string; at: Date },
): Promise<CommuneExportOutcome> {
  await fs.mkdir(path.join(targetDir, 'tables'), { recursive: true, mode: 0o750 });
  await fs.mkdir(path.join(targetDir, 'fichiers'), { recursive: true, mode: 0o750 });
  const outcome: CommuneExportOutcome = { tables: {}, files: 0, migrations: [] };
  const readme: string[] = [];
  await withTenant(database, commune.id, async (tx) => {
    await tx.client.query("SET LOCAL TimeZone = 'UTC'");
    const { rows: applied } = await tx.client.query<{ version: string }>(
      'SELECT version FROM schema_migration ORDER BY version',
    );
    outcome.migrations = applied.map((m) => m.version);
    const { rows: columns } = await tx.client.query<Column>(
      `SELECT c.table_name AS table, c.column_name AS column, c.data_type AS type, c.is_nullable = 'YES' AS nullable
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public'
        ORDER BY c.table_name COLLATE "C", c.ordinal_position`,
    );
    const byTable = new Map<string, Column[]>();
    for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
    const owned = [...byTable.entries()].filter(
      ([table, cols]) => table === 'commune' || cols.some((c) => c.column === 'commune_id'),
    );
    const { rows: relations } = await tx.client.query<{ source: string; target: string; definition: string }>(
      `SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
        ORDER BY 1, 3`,
    );
    for (const [table, cols] of owned) {
      const exported = cols.filter((c) => !(table === 'blob' && c.column === 'content'));
      const list = exported.map((c) => quoteIdent(c.column)).join(', ');
      const filter = table === 'commune' ? 'id = $1' : 'commune_id = $1';
      const { rows } = await tx.client.query<{ row: Record<string, unknown> }>(
        `SELECT row_to_json(s) AS row FROM (SELECT ${list} FROM public.${quoteIdent(table)} WHERE ${filter} ORDER BY 1) s`,
        [commune.id],
      );
      const objects = rows.map((r) => r.row);
      outcome.tables[table] = objects.length;
      await fs.writeFile(path.join(targetDir, 'tables', `${table}.json`), `${JSON.stringify(objects, null, 1)}\n`);
      const csv = [
        exported.map((c) => csvCell(c.column)).join(','),
        ...objects.map((o) => exported.map((c) => csvCell(o[c.column])).join(',')),
      ];
      await fs.writeFile(path.join(targetDir, 'tables', `${table}.csv`), `${csv.join('\r\n')}\r\n`);
      readme.push(
        `### ${table} (${objects.length} ligne${objects.length > 1 ? 's' : ''})`,
        '',
        '| colonne | type | vide possible |',
        '|---|---|---|',
        ...exported.map((c) => `| ${c.column} | ${c.type} | ${c.nullable ? 'oui' : 'non'} |`),
        '',
        ...relations
          .filter((r) => r.source === table)
          .map((r) => `- relation vers \`${r.target}\` : \`${r.definition}\``),
        '',
      );
    }
    // Files kept in the database (the `blob` table, scope communes/<id>).
    const { rows: blobs } = await tx.client.query<{ sha256: string; content: Buffer }>(
      `SELECT sha256, content FROM blob WHERE scope = $1 AND content IS NOT NULL`,
      [`communes/${commune.id}`],
    );
    for (const b of blobs) {
      await fs.writeFile(path.join(targetDir, 'fichiers', b.sha256), b.content);
      outcome.files += 1;
    }
  });
  // Files kept in a directory (GUICHET_BLOB_STORE=fs): <dir>/communes/<id>/ab/cd/<sha256>.
  if (options.blobDir) {
    const scopeDir = path.join(options.blobDir, 'communes', commune.id);
    const files = await fs.readdir(scopeDir, { recursive: true }).catch(() => [] as string[]);
    for (const rel of files) {
      const name = path.basename(rel);
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      await fs.copyFile(path.join(scopeDir, rel), path.join(targetDir, 'fichiers', name));
      outcome.files += 1;
    }
  }
  const header = [
    `# Export des données de ${commune.name} (${commune.slug})`,
    '',
    `Écrit par Guichet ${options.guichetVersion} le ${options.at.toISOString()} (UTC). Tout ce que la commune`,
    'possède dans Guichet, et rien d’une autre commune.',
    '',
    '## Formats',
    '',
    '- `tables/<table>.csv` : CSV (RFC 4180), UTF-8, séparateur virgule, fins de ligne CRLF, une ligne',
    '  d’en-tête ; valeur vide = absente (NULL) ; les objets et listes sont écrits en JSON.',
    '- `tables/<table>.json` : la même table, tableau d’objets JSON (une clé par colonne).',
    '- Dates et heures : ISO 8601 en UTC. Identifiants : UUID. Montants : en centimes (entiers).',
    `- \`fichiers/<sha256>\` : les fichiers (pièces jointes, documents), nommés par l’empreinte SHA-256`,
    '  de leur contenu ; les tables les désignent par cette empreinte (colonnes sha256 ou *_sha256).',
    '- Les comptes des personnes (usagers, agents) ne sont pas dans cet export : chaque personne',
    '  exporte les siennes (RGPD, « Mes données »). Les colonnes account_id les désignent.',
    '',
    '## Tables, colonnes et relations',
    '',
  ];
  await fs.writeFile(path.join(targetDir, 'README.md'), [...header, ...readme].join('\n'));
  return outcome;
}

/** SHA-256 of every file under `dir`, by relative path (sorted), SHA256SUMS left out. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  const names = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => rel !== 'SHA256SUMS')
    .sort();
  for (const rel of names) files[rel] = await sha256File(path.join(dir, rel));
  return files;
}

const EXPORT_README = `Export Guichet d’une commune (format ${EXPORT_FORMAT})

Chaque partie est chiffrée avec age (https://age-encryption.org, paquet Debian « age ») pour les
clés publiques configurées (GUICHET_BACKUP_RECIPIENTS).

  SHA256SUMS         empreintes des parties chiffrées : sha256sum -c SHA256SUMS
  manifest.json.age  le manifeste : commune, migrations, lignes par table, empreinte SHA-256 de
                     chaque fichier de l’export et de chaque partie déchiffrée
  export.tar.age     le dossier de l’export (tables en CSV et JSON, fichiers, README.md)

Lecture sans Guichet : age -d -i cle.txt -o export.tar export.tar.age && tar -xf export.tar
Import dans une autre instance Guichet : guichet import <cette archive> --identity cle.txt
`;

/**
 * Seals an export directory into one archive that can leave the machine: the directory tarred and
 * encrypted with age, a manifest (the commune, the migrations, the SHA-256 of every file) encrypted
 * too, a plain SHA256SUMS of the encrypted parts. Written atomically (archive.ts) as `file`; also
 * leaves a SHA256SUMS of every file in the directory, for `sha256sum -c` without any key.
 */
export async function sealCommuneExport(
  dir: string,
  file: string,
  info: Omit<ExportManifest, 'format' | 'files' | 'parts'>,
  recipients: readonly string[],
): Promise<ExportManifest> {
  const files = await hashTree(dir);
  await fs.writeFile(
    path.join(dir, 'SHA256SUMS'),
    `${Object.entries(files)
      .map(([rel, sha]) => `${sha}  ${rel}`)
      .join('\n')}\n`,
  );
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-export-'));
  try {
    const plain = path.join(staging, EXPORT_PART);
    await runTool(
      'tar',
      ['--create', '--format=posix', '--file', plain, '--directory', dir, '.'],
      'Écriture de l’export',
    );
    const encrypted = `${EXPORT_PART}.age`;
    const part: BackupPart = {
      name: EXPORT_PART,
      encrypted,
      bytes: (await fs.stat(plain)).size,
      sha256: await sha256File(plain),
      encryptedSha256: '',
    };
    await encryptFile(plain, path.join(staging, encrypted), recipients, encrypted);
    await fs.rm(plain);
    part.encryptedSha256 = await sha256File(path.join(staging, encrypted));
    const manifest: ExportManifest = { format: EXPORT_FORMAT, ...info, files, parts: [part] };
    await fs.writeFile(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await encryptFile(
      path.join(staging, 'manifest.json'),
      path.join(staging, 'manifest.json.age'),
      recipients,
      'manifest.json.age',
    );
    await fs.rm(path.join(staging, 'manifest.json'));
    const sums: string[] = [];
    for (const name of ['manifest.json.age', encrypted]) {
      sums.push(`${await sha256File(path.join(staging, name))}  ${name}`);
    }
    await fs.writeFile(path.join(staging, 'SHA256SUMS'), `${sums.join('\n')}\n`);
    await fs.writeFile(path.join(staging, 'LISEZMOI.txt'), EXPORT_README);
    await writeArchive(
      staging,
      ['LISEZMOI.txt', 'SHA256SUMS', 'manifest.json.age', encrypted],
      path.dirname(file),
      path.basename(file),
    );
    return manifest;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
