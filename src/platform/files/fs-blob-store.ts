/**
 * Blob backend on a directory (GUICHET_BLOB_STORE=fs, GUICHET_BLOB_DIR): one file per blob at
 * `<dir>/<scope>/<ab>/<cd>/<sha256>`. A write goes to `<dir>/.tmp/`, is flushed to disk (fsync),
 * then renamed into place and the directory flushed: a crash leaves either the whole blob or
 * none, never a truncated one under its address. Files are written read-only (0o440).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  assertAddress,
  type BlobBackend,
  BlobNotFoundError,
  type BlobScope,
  blobAddress,
  scopeKey,
  verified,
} from './blob-store.js';

const TMP = '.tmp';

export async function fsBlobBackend(root: string): Promise<BlobBackend> {
  const dir = path.resolve(root);
  await fs.mkdir(path.join(dir, TMP), { recursive: true, mode: 0o750 });
  // Leftovers of writes interrupted by a crash (never renamed into place).
  for (const name of await fs.readdir(path.join(dir, TMP))) {
    await fs.rm(path.join(dir, TMP, name), { force: true });
  }
  const fileOf = (scope: BlobScope, address: string) => {
    assertAddress(address);
    return path.join(dir, scopeKey(scope), address.slice(0, 2), address.slice(2, 4), address);
  };
  return {
    kind: 'fs',
    transactional: false,
    async put(_conn, scope, content) {
      const address = blobAddress(content);
      const target = fileOf(scope, address);
      if (await exists(target)) return address;
      const tmp = path.join(dir, TMP, `${address}.${randomBytes(6).toString('hex')}`);
      const handle = await fs.open(tmp, 'wx', 0o440);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
        await fs.rename(tmp, target);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      await syncDirectory(path.dirname(target));
      return address;
    },
    async get(_conn, scope, address) {
      const file = fileOf(scope, address);
      try {
        return verified(scopeKey(scope), address, await fs.readFile(file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(scopeKey(scope), address);
        throw error;
      }
    },
    async exists(_conn, scope, address) {
      return exists(fileOf(scope, address));
    },
    async delete(_conn, scope, address) {
      await fs.rm(fileOf(scope, address), { force: true });
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
