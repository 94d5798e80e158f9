/**
 * Backups of the embedded shape (PGlite): a consistent snapshot of PGlite's data directory (its
 * dumpDataDir tar, taken while holding the application's only connection, after a CHECKPOINT), the
 * blob directory when GUICHET_BLOB_STORE=fs, and a manifest — each part encrypted with age, in one
 * archive written atomically (archive.ts). Reading back (verify, drill, restore) decrypts every part
 * and checks every hash, naming the part at fault.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Database, openPglite } from '../client.js';
import { BackupError, decryptFile, encryptFile } from './age.js';
import { extractArchive, runTool, sha256File, syncDirectory, writeArchive } from './archive.js';
import { type AuditHead, type DatabaseInventory, inventoryInTransaction, type TableInventory } from './inventory.js';

export const MANIFEST_FORMAT = 'guichet-sauvegarde/1';
const MANIFEST = 'manifest.json';
const DATABASE_PART = 'base-pglite.tar.gz';
const FILES_PART = 'fichiers.tar';
const SUMS = 'SHA256SUMS';
const README = 'LISEZMOI.txt';

export interface BackupPart {
  /** Name of the part once decrypted. */
  name: string;
  /** Name of the encrypted file in the archive (`<name>.age`). */
  encrypted: string;
  bytes: number;
  sha256: string;
  encryptedSha256: string;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  guichetVersion: string;
  engine: 'pglite';
  databaseVersion: string;
  migrations: string[];
  tables: Record<string, TableInventory>;
  auditHeads: AuditHead[];
  blobStore: 'postgres' | 'fs';
  parts: BackupPart[];
}

export async function guichetVersion(): Promise<string> {
  const file = path.resolve(import.meta.dirname, '../../../../package.json');
  return (JSON.parse(await fs.readFile(file, 'utf8')) as { version: string }).version;
}

/**
 * The inventory and the data-directory snapshot of an open PGlite, with nothing written in between:
 * the application's pool has one connection, held here from the first count to the end of the dump.
 */
export async function snapshotPglite(
  database: Database,
): Promise<{ inventory: DatabaseInventory; version: string; snapshot: Blob }> {
  if (database.engine !== 'pglite' || !database.pglite) throw new Error('snapshotPglite needs the embedded database');
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    let inventory: DatabaseInventory;
    let version: string;
    try {
      await client.query('SET LOCAL ROLE postgres');
      inventory = await inventoryInTransaction(client);
      version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    await client.query('SET ROLE postgres');
    try {
      await client.query('CHECKPOINT');
    } finally {
      await client.query(`SET ROLE ${database.appRole}`);
    }
    const snapshot = await database.pglite.dumpDataDir('gzip');
    return { inventory, version, snapshot };
  } finally {
    client.release();
  }
}

/** Inventory of a database opened by the backup machinery itself (superuser session of PGlite). */
export async function inventoryOf(database: Database): Promise<DatabaseInventory> {
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      await client.query('SET LOCAL ROLE postgres');
      const inventory = await inventoryInTransaction(client);
      await client.query('COMMIT');
      return inventory;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
}

const README_TEXT = `Sauvegarde Guichet (format ${MANIFEST_FORMAT})

Chaque partie est chiffrée avec age (https://age-encryption.org, paquet Debian « age ») pour les
clés publiques configurées (GUICHET_BACKUP_RECIPIENTS). Sans la clé privée, rien n’est lisible.

  SHA256SUMS              empreintes des parties chiffrées : sha256sum -c SHA256SUMS
  manifest.json.age       le manifeste : versions, migrations, lignes et empreinte de chaque table,
                          tête de la chaîne du journal d’audit de chaque commune, empreinte de
                          chaque partie déchiffrée
  base-pglite.tar.gz.age  le dossier de données de la base embarquée (PGlite)
  fichiers.tar.age        les fichiers (GUICHET_BLOB_STORE=fs), s’il y en a

Restauration pas à pas : docs/operations/restore.md (commande « guichet restore », ou à la main
avec tar, sha256sum et age).
`;

export interface EmbeddedBackupOptions {
  database: Database;
  /** The blob directory (GUICHET_BLOB_STORE=fs); files in the `blob` table are in the database. */
  blobDir?: string;
  targetDir: string;
  recipients: readonly string[];
  at: Date;
  name: string;
}

/** Takes one embedded backup and returns the archive's path and its manifest. */
export async function createEmbeddedBackup(options: EmbeddedBackupOptions) {
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-sauvegarde-'));
  try {
    const { inventory, version, snapshot } = await snapshotPglite(options.database);
    await fs.writeFile(path.join(staging, DATABASE_PART), Buffer.from(await snapshot.arrayBuffer()), { mode: 0o600 });
    const plainParts = [DATABASE_PART];
    if (options.blobDir) {
      await runTool(
        'tar',
        [
          '--create',
          '--format=posix',
          '--file',
          path.join(staging, FILES_PART),
          '--directory',
          options.blobDir,
          '--exclude=./.tmp',
          '.',
        ],
        'Sauvegarde des fichiers',
      );
      plainParts.push(FILES_PART);
    }
    const parts: BackupPart[] = [];
    for (const name of plainParts) {
      const plain = path.join(staging, name);
      const encrypted = `${name}.age`;
      const bytes = (await fs.stat(plain)).size;
      const sha256 = await sha256File(plain);
      await encryptFile(plain, path.join(staging, encrypted), options.recipients, encrypted);
      await fs.rm(plain);
      parts.push({ name, encrypted, bytes, sha256, encryptedSha256: await sha256File(path.join(staging, encrypted)) });
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: options.at.toISOString(),
      guichetVersion: await guichetVersion(),
      engine: 'pglite',
      databaseVersion: version,
      migrations: inventory.migrations,
      tables: inventory.tables,
      auditHeads: inventory.auditHeads,
      blobStore: options.blobDir ? 'fs' : 'postgres',
      parts,
    };
    await fs.writeFile(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await encryptFile(
      path.join(staging, MANIFEST),
      path.join(staging, `${MANIFEST}.age`),
      options.recipients,
      `${MANIFEST}.age`,
    );
    await fs.rm(path.join(staging, MANIFEST));
    const encryptedNames = [`${MANIFEST}.age`, ...parts.map((p) => p.encrypted)];
    const sums: string[] = [];
    for (const name of encryptedNames) sums.push(`${await sha256File(path.join(staging, name))}  ${name}`);
    await fs.writeFile(path.join(staging, SUMS), `${sums.join('\n')}\n`);
    await fs.writeFile(path.join(staging, README), README_TEXT);
    const file = await writeArchive(staging, [README, SUMS, ...encryptedNames], options.targetDir, options.name);
    return { file, manifest };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

export interface OpenedBackup {
  manifest: BackupManifest;
  /** Path of each decrypted part, by name. */
  parts: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Unpacks an archive into a private temporary directory, checks SHA256SUMS, decrypts the manifest
 * and every part with the identity file, and checks each decrypted part against the manifest.
 */
export async function openBackup(
  file: string,
  identityFile: string,
  format: string = MANIFEST_FORMAT,
): Promise<OpenedBackup> {
  await fs.access(identityFile).catch(() => {
    throw new BackupError(`Fichier de clé privée introuvable : ${identityFile}`);
  });
  await fs.access(file).catch(() => {
    throw new BackupError(`Sauvegarde introuvable : ${file}`);
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-lecture-'));
  const close = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const names = await extractArchive(file, dir);
    if (!names.includes(SUMS) || !names.includes(`${MANIFEST}.age`)) {
      throw new BackupError(
        `${path.basename(file)} n’est pas une sauvegarde Guichet : ${SUMS} ou ${MANIFEST}.age manque.`,
      );
    }
    const sums = new Map<string, string>();
    for (const line of (await fs.readFile(path.join(dir, SUMS), 'utf8')).split('\n')) {
      const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      if (m) sums.set(m[2]!, m[1]!);
    }
    for (const [name, expected] of sums) {
      const actual = await sha256File(path.join(dir, name)).catch(() => null);
      if (actual === null) throw new BackupError(`La partie « ${name} » manque dans l’archive.`, name);
      if (actual !== expected) {
        throw new BackupError(
          `La partie « ${name} » est altérée : son empreinte SHA-256 (${actual.slice(0, 12)}…) ne correspond pas à celle de ${SUMS} (${expected.slice(0, 12)}…).`,
          name,
        );
      }
    }
    await decryptFile(path.join(dir, `${MANIFEST}.age`), path.join(dir, MANIFEST), identityFile, `${MANIFEST}.age`);
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
    } catch {
      throw new BackupError(`La partie « ${MANIFEST}.age » ne contient pas un manifeste lisible.`, `${MANIFEST}.age`);
    }
    if (manifest.format !== format) {
      throw new BackupError(`Format d’archive inconnu : ${String(manifest.format)} (attendu ${format}).`);
    }
    const parts = new Map<string, string>();
    for (const part of manifest.parts) {
      if (!sums.has(part.encrypted))
        throw new BackupError(`La partie « ${part.encrypted} » manque dans ${SUMS}.`, part.encrypted);
      const plain = path.join(dir, part.name);
      await decryptFile(path.join(dir, part.encrypted), plain, identityFile, part.encrypted);
      await fs.rm(path.join(dir, part.encrypted));
      const actual = await sha256File(plain);
      if (actual !== part.sha256) {
        throw new BackupError(
          `La partie « ${part.name} » déchiffrée ne correspond pas au manifeste (SHA-256 ${actual.slice(0, 12)}…, attendu ${part.sha256.slice(0, 12)}…).`,
          part.name,
        );
      }
      parts.set(part.name, plain);
    }
    return { manifest, parts, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The decrypted database snapshot of an opened backup, as PGlite's loadDataDir wants it. */
export async function snapshotBlob(opened: OpenedBackup): Promise<Blob> {
  const file = opened.parts.get(DATABASE_PART);
  if (!file) throw new BackupError(`La partie « ${DATABASE_PART} » manque dans le manifeste.`, DATABASE_PART);
  return new Blob([await fs.readFile(file)]);
}

async function isEmptyDirectory(dir: string, ignore: string[] = []): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).filter((n) => !ignore.includes(n)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Restores an opened backup into an empty embedded data directory (and an empty blob directory
 * when the backup holds files). Refuses any target that already holds data: a restore never
 * replaces anything. Returns the inventory of the restored database, read before any migration.
 */
export async function restoreEmbedded(
  opened: OpenedBackup,
  target: { pgliteDir: string; blobDir?: string; appRole: string },
): Promise<DatabaseInventory> {
  if (!(await isEmptyDirectory(target.pgliteDir))) {
    throw new BackupError(
      `La cible n’est pas vide : ${target.pgliteDir} contient déjà une base. La restauration ne remplace jamais des données ; choisissez un dossier de données vide (GUICHET_DATA_DIR).`,
    );
  }
  const files = opened.parts.get(FILES_PART);
  if (files) {
    if (!target.blobDir) {
      throw new BackupError(
        'Cette sauvegarde contient des fichiers (GUICHET_BLOB_STORE=fs) : configurez GUICHET_BLOB_STORE=fs et GUICHET_BLOB_DIR pour la restaurer.',
      );
    }
    if (!(await isEmptyDirectory(target.blobDir, ['.tmp']))) {
      throw new BackupError(`La cible n’est pas vide : ${target.blobDir} contient déjà des fichiers.`);
    }
  }
  const snapshot = await snapshotBlob(opened);
  const database = await openPglite(target.pgliteDir, target.appRole, { loadDataDir: snapshot });
  let inventory: DatabaseInventory;
  try {
    inventory = await inventoryOf(database);
  } finally {
    await database.close();
  }
  if (files && target.blobDir) {
    await fs.mkdir(target.blobDir, { recursive: true, mode: 0o750 });
    await runTool(
      'tar',
      ['--extract', '--file', files, '--directory', target.blobDir, '--no-same-owner'],
      'Restauration des fichiers',
    );
    await syncDirectory(target.blobDir);
  }
  return inventory;
}

/** Opens the backup's database in memory (the drill's scratch database). */
export async function openScratchDatabase(opened: OpenedBackup, appRole: string): Promise<Database> {
  return openPglite(undefined, appRole, { loadDataDir: await snapshotBlob(opened) });
}
