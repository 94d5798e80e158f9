/**
 * The backup archive on disk: a plain tar (the standard `tar` command) of parts each encrypted with
 * age, a SHA256SUMS of those encrypted parts (checkable with `sha256sum -c` without any key) and a
 * LISEZMOI.txt. It is written beside its final name as a hidden `.partial` file, flushed to disk,
 * then linked to its final name (never over an existing file) and the directory flushed: a process
 * killed at any moment leaves the earlier archives intact and no file under a complete-looking name.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BackupError } from './age.js';

/** Complete archives only: `guichet-sauvegarde-20261202T191500Z.tar` (UTC instant of the backup). */
export const ARCHIVE_NAME = /^guichet-sauvegarde-(\d{8}T\d{6}Z)\.tar$/;

export function archiveName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `guichet-sauvegarde-${stamp}.tar`;
}

/** The instant encoded in an archive's name, or null for any other file. */
export function archiveInstant(name: string): Date | null {
  const m = ARCHIVE_NAME.exec(name);
  if (!m) return null;
  const s = m[1]!;
  return new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
  );
}

/** The complete archives of a directory, oldest first. */
export async function listArchives(dir: string): Promise<Array<{ name: string; file: string; at: Date }>> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const at = archiveInstant(name);
      return at ? [{ name, file: path.join(dir, name), at }] : [];
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function runTool(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      reject(new BackupError(`${what} : le programme ${command} est introuvable (${(error as Error).message}).`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new BackupError(`${what} : ${command} a échoué (${stderr.replace(/\s+/g, ' ').trim()}).`));
    });
  });
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Tars `entries` of `stagingDir` (in that order) into `targetDir/name`, atomically. Refuses to
 * replace an existing file of that name (hard link, then removal of the partial file).
 */
export async function writeArchive(stagingDir: string, entries: string[], targetDir: string, name: string) {
  await fs.mkdir(targetDir, { recursive: true, mode: 0o750 });
  const final = path.join(targetDir, name);
  const partial = path.join(targetDir, `.${name}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await runTool(
      'tar',
      ['--create', '--format=posix', '--file', partial, '--directory', stagingDir, ...entries],
      'Écriture de l’archive',
    );
    await fs.chmod(partial, 0o640);
    await syncFile(partial);
    try {
      await fs.link(partial, final);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new BackupError(`${final} existe déjà : Guichet ne remplace jamais une sauvegarde.`);
      }
      throw error;
    }
  } finally {
    await fs.rm(partial, { force: true });
  }
  await syncDirectory(targetDir);
  return final;
}

/** Unpacks an archive into `into`; a damaged tar is named as such. */
export async function extractArchive(file: string, into: string): Promise<string[]> {
  try {
    await runTool('tar', ['--extract', '--file', file, '--directory', into, '--no-same-owner'], 'Lecture de l’archive');
  } catch (error) {
    throw new BackupError(
      `${path.basename(file)} n’est pas une archive de sauvegarde lisible (tar) : ${(error as Error).message}`,
    );
  }
  return fs.readdir(into);
}

/**
 * Removes `.partial` files left by a backup killed before its end (they never look complete), once
 * they are older than `minAgeMs` (a backup still being written elsewhere keeps its file).
 */
export async function removePartials(dir: string, minAgeMs: number, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names.filter((name) => name.startsWith('.') && name.endsWith('.partial'))) {
    const stat = await fs.stat(path.join(dir, n)).catch(() => null);
    if (!stat || now - stat.mtimeMs < minAgeMs) continue;
    await fs.rm(path.join(dir, n), { force: true });
    removed.push(n);
  }
  return removed;
}
