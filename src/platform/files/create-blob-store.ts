/** Builds the blob backend chosen by GUICHET_BLOB_STORE (docs/operations/files.md). */
import type { BlobConfig } from '../../config/config.js';
import { type BlobBackend, postgresBlobBackend, withPostgresFallback } from './blob-store.js';
import { fsBlobBackend } from './fs-blob-store.js';

export async function createBlobBackend(config: BlobConfig): Promise<BlobBackend> {
  if (config.store === 'fs') return withPostgresFallback(await fsBlobBackend(config.dir));
  if (config.store === 's3') {
    // The AWS SDK is loaded only when S3 is configured (it is large, and warns about Node versions).
    const { s3BlobBackend } = await import('./s3-blob-store.js');
    return withPostgresFallback(s3BlobBackend(config.s3));
  }
  return postgresBlobBackend();
}
