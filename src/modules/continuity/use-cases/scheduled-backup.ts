/**
 * The nightly continuity job: a backup (embedded: an archive; server: pgBackRest, full on Sundays,
 * differential otherwise), the archives past the retention policy removed from the backup
 * directory (never from the offline copy), the new archive copied to the offline copy when one is
 * configured, and a drill when a private key is configured (GUICHET_BACKUP_IDENTITY). Each step is
 * recorded; a failed step fails the job (pg-boss retries it, the panel shows it late).
 */
import fs from 'node:fs/promises';
import { listArchives } from '../../../platform/db/backup/archive.js';
import { archivesToKeep } from '../retention.js';
import type { ContinuityDeps } from './common.js';
import { copyToOffline } from './offline-copy.js';
import { runDrill } from './run-drill.js';
import { takeBackup } from './take-backup.js';
import { takeServerBackup } from './take-server-backup.js';

export interface ScheduledOutcome {
  steps: string[];
  removed: string[];
}

/** Removes the archives of the backup directory that the retention policy does not keep. */
export async function pruneBackups(deps: ContinuityDeps): Promise<string[]> {
  const archives = await listArchives(deps.config.continuity.backupDir);
  const keep = archivesToKeep(archives, deps.config.continuity.retention);
  const removed: string[] = [];
  for (const a of archives) {
    if (keep.has(a.name)) continue;
    await fs.rm(a.file);
    removed.push(a.name);
  }
  return removed;
}

export async function scheduledBackup(deps: ContinuityDeps, now: Date = new Date()): Promise<ScheduledOutcome> {
  const steps: string[] = [];
  if (deps.database.engine === 'postgres') {
    if (!deps.config.continuity.pgbackrest) return { steps: ['pgBackRest non configuré : rien à faire'], removed: [] };
    const outcome = await takeServerBackup(deps, now.getUTCDay() === 0 ? 'full' : 'diff');
    return { steps: [outcome.detail], removed: [] }; // pgBackRest applies its own retention
  }
  if (deps.config.continuity.recipients.length === 0) {
    return { steps: ['GUICHET_BACKUP_RECIPIENTS non défini : aucune sauvegarde planifiée'], removed: [] };
  }
  const backup = await takeBackup(deps);
  steps.push(`sauvegarde ${backup.archive}`);
  const removed = await pruneBackups(deps);
  if (deps.config.continuity.offlineCopyDir) {
    await copyToOffline(deps, backup.file);
    steps.push('copie hors ligne');
  }
  if (deps.config.continuity.identityFile) {
    const drill = await runDrill(deps, { file: backup.file });
    steps.push(`exercice de restauration en ${drill.durationMs} ms`);
  }
  return { steps, removed };
}
