/**
 * `guichet backup` in the embedded shape (and the scheduled backup job): one encrypted archive of
 * the PGlite snapshot, the files of GUICHET_BLOB_STORE=fs and the manifest, in GUICHET_BACKUP_DIR.
 */
import path from 'node:path';
import { BackupError } from '../../../platform/db/backup/age.js';
import { archiveName, removePartials } from '../../../platform/db/backup/archive.js';
import { type BackupManifest, createEmbeddedBackup } from '../../../platform/db/backup/embedded.js';
import { type ContinuityDeps, recorded } from './common.js';

const DAY_MS = 24 * 3600 * 1000;

export interface BackupOutcome {
  file: string;
  archive: string;
  manifest: BackupManifest;
  detail: string;
  durationMs: number;
}

export function describeManifest(manifest: BackupManifest): string {
  const rows = Object.values(manifest.tables).reduce((sum, t) => sum + t.rows, 0);
  const tables = Object.keys(manifest.tables).length;
  return `${tables} tables, ${rows.toLocaleString('fr-FR')} lignes, journal ancré pour ${manifest.auditHeads.length} commune(s), migration ${manifest.migrations.at(-1) ?? 'aucune'}`;
}

export async function takeBackup(deps: ContinuityDeps, clock: () => Date = () => new Date()): Promise<BackupOutcome> {
  const { config, database } = deps;
  if (database.engine !== 'pglite') {
    throw new BackupError(
      'En mode serveur (PostgreSQL), la sauvegarde passe par pgBackRest : guichet backup --type full|diff|incr (voir docs/operations/restore.md).',
    );
  }
  if (config.continuity.recipients.length === 0) {
    throw new BackupError(
      'Aucune clé publique de chiffrement : définissez GUICHET_BACKUP_RECIPIENTS (une ou plusieurs clés age1…, données par « age-keygen -y cle.txt »). Guichet n’écrit jamais de sauvegarde en clair.',
    );
  }
  if (config.blobs.store === 's3') {
    throw new BackupError(
      'Les fichiers sont dans un stockage S3 (GUICHET_BLOB_STORE=s3) : leur sauvegarde relève du service S3 (versionnage, verrouillage d’objets) ; « guichet backup » ne couvre pas encore ce cas.',
    );
  }
  await removePartials(config.continuity.backupDir, DAY_MS);
  return recorded(
    database,
    'sauvegarde',
    async () => {
      const at = clock();
      const { file, manifest } = await createEmbeddedBackup({
        database,
        blobDir: config.blobs.store === 'fs' ? config.blobs.dir : undefined,
        targetDir: config.continuity.backupDir,
        recipients: config.continuity.recipients,
        at,
        name: archiveName(at),
      });
      return { file, archive: path.basename(file), manifest, detail: describeManifest(manifest) };
    },
    clock,
  );
}
