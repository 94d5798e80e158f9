/**
 * `guichet backup verify`: decrypts every part of an archive with a private key and checks every
 * hash. Needs no database (it can run on another machine, where the private key lives).
 */
import { type BackupManifest, openBackup } from '../../../platform/db/backup/embedded.js';

export async function verifyBackup(file: string, identityFile: string): Promise<BackupManifest> {
  const opened = await openBackup(file, identityFile);
  await opened.close();
  return opened.manifest;
}
