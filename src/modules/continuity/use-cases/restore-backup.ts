/**
 * `guichet restore <archive>`: into an empty embedded data directory only. The restored database is
 * checked against the manifest (row counts and content hashes of every table) before anything else
 * touches it, then opened normally — which applies the migrations of this version of Guichet to a
 * backup taken by an older one — and its audit chains are verified.
 */
import path from 'node:path';
import type { Config } from '../../../config/config.js';
import { verifyAllCommunes } from '../../../platform/audit/verify-all.js';
import { BackupError } from '../../../platform/db/backup/age.js';
import { type BackupManifest, openBackup, restoreEmbedded } from '../../../platform/db/backup/embedded.js';
import { compareTables } from '../../../platform/db/backup/inventory.js';
import { assumeAppRole, embeddedDatabaseDir, openPglite } from '../../../platform/db/client.js';
import { migrate } from '../../../platform/db/migrate.js';
import { withInstance } from '../../../platform/db/tenant.js';
import { insertRun } from '../repo.js';

export interface RestoreOutcome {
  manifest: BackupManifest;
  migrationsApplied: string[];
  communes: number;
  durationMs: number;
}

export async function restoreBackup(
  config: Pick<Config, 'databaseMode' | 'dataDir' | 'blobs' | 'dbAppRole'>,
  file: string,
  identityFile: string,
  clock: () => Date = () => new Date(),
): Promise<RestoreOutcome> {
  if (config.databaseMode !== 'embedded') {
    throw new BackupError(
      'En mode serveur, la restauration se fait avec pgBackRest (pgbackrest restore), cluster arrêté : voir docs/operations/restore.md.',
    );
  }
  const startedAt = clock();
  const opened = await openBackup(file, identityFile);
  try {
    const inventory = await restoreEmbedded(opened, {
      pgliteDir: embeddedDatabaseDir(config as Config),
      blobDir: config.blobs.store === 'fs' ? config.blobs.dir : undefined,
      appRole: config.dbAppRole,
    });
    const differences = compareTables(opened.manifest.tables, inventory.tables);
    if (differences.length > 0) {
      throw new BackupError(
        `La base restaurée diffère du manifeste pour ${differences.map((d) => d.table).join(', ')} : la restauration est à refaire depuis une autre sauvegarde.`,
      );
    }
  } finally {
    await opened.close();
  }
  const database = await openPglite(embeddedDatabaseDir(config as Config), config.dbAppRole);
  try {
    const migrationsApplied = await migrate(database.pool, config.dbAppRole);
    await assumeAppRole(database);
    const chains = await verifyAllCommunes(database);
    const broken = chains.filter((c) => c.firstBreak);
    if (broken.length > 0) {
      throw new BackupError(
        `Base restaurée, mais le journal d’audit est altéré pour ${broken.map((c) => c.slug).join(', ')} : lancez « guichet audit verify ».`,
      );
    }
    const finishedAt = clock();
    await withInstance(database, (tx) =>
      insertRun(tx, {
        kind: 'restauration',
        startedAt,
        finishedAt,
        outcome: 'reussi',
        archive: path.basename(file),
        detail: `${chains.length} commune(s), migrations appliquées après restauration : ${migrationsApplied.join(', ') || 'aucune'}`,
      }),
    );
    return {
      manifest: opened.manifest,
      migrationsApplied,
      communes: chains.length,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    };
  } finally {
    await database.close();
  }
}
