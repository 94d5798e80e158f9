/**
 * The offline copy (the « 1 » hors ligne of 3-2-1-1-0, domain rules §8.3): archives copied to a
 * configured directory — removable media, a write-once mount — that Guichet writes to and never
 * deletes from nor rewrites. A copy goes to a hidden `.partial` file, flushed, then hard-linked to
 * its name (refused if that name exists). Its age (the instant of its newest archive) is shown.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { BackupError } from '../../../platform/db/backup/age.js';
import { listArchives, syncDirectory } from '../../../platform/db/backup/archive.js';
import { type ContinuityDeps, recorded } from './common.js';
import { latestArchive } from './run-drill.js';

async function copyNoOverwrite(source: string, targetDir: string): Promise<string> {
  const name = path.basename(source);
  const final = path.join(targetDir, name);
  const partial = path.join(targetDir, `.${name}.partial`);
  try {
    await fs.access(final);
    throw new BackupError(`${final} existe déjà : la copie hors ligne n’est jamais réécrite.`);
  } catch (error) {
    if (error instanceof BackupError) throw error;
  }
  await fs.copyFile(source, partial, fs.constants.COPYFILE_EXCL).catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(`Copie hors ligne impossible dans ${targetDir} : ${error.message}`);
  });
  const handle = await fs.open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(partial, final);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupError(`${final} existe déjà : la copie hors ligne n’est jamais réécrite.`);
    }
    throw error;
  } finally {
    // Its own temporary file; on a write-once mount this may be refused, which leaves a hidden file.
    await fs.unlink(partial).catch(() => {});
  }
  await syncDirectory(targetDir);
  return final;
}

/** Copies the latest backup (or `file`) to the offline directory. */
export async function copyToOffline(deps: ContinuityDeps, file?: string) {
  const dir = deps.config.continuity.offlineCopyDir;
  if (!dir) {
    throw new BackupError(
      'Aucune copie hors ligne configurée : définissez GUICHET_OFFLINE_COPY_DIR (support amovible, montage en écriture unique).',
    );
  }
  return recorded(deps.database, 'copie_hors_ligne', async () => {
    const source = file ?? (await latestArchive(deps.config.continuity.backupDir));
    const copied = await copyNoOverwrite(source, dir);
    return { archive: path.basename(copied), detail: `copiée dans ${dir}`, file: copied };
  });
}

export interface OfflineCopyStatus {
  configured: boolean;
  /** The instant of the newest archive in the offline copy, if any. */
  newest: Date | null;
}

export async function offlineCopyStatus(offlineCopyDir: string | undefined): Promise<OfflineCopyStatus> {
  if (!offlineCopyDir) return { configured: false, newest: null };
  const archives = await listArchives(offlineCopyDir).catch(() => []);
  return { configured: true, newest: archives.at(-1)?.at ?? null };
}
