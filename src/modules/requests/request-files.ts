/** The files of requests and drafts: stored in the transaction's commune, read back, attached to mails. */
import type { MailAttachmentRef } from '../../platform/db/schema.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { ValidatedUpload } from '../../platform/files/checks.js';
import { communeOf, MAX_FILES_PER_REQUEST } from './deps.js';
import { findStoredFile, insertStoredFile, listRequestFiles, type StoredFileInfo } from './repo.js';
import type { StoredFile } from './schema.js';

/** Stores a validated upload in the transaction's commune (draft, request, or neither yet). */
export async function storeFile(
  tx: Tx,
  input: {
    upload: ValidatedUpload;
    ownerAccountId: string | null;
    draftId?: string | null;
    requestId?: string | null;
    isInternal?: boolean;
  },
): Promise<StoredFileInfo> {
  const communeId = communeOf(tx);
  if (input.requestId) {
    const existing = await listRequestFiles(tx, communeId, input.requestId, { includeInternal: true });
    if (existing.length >= MAX_FILES_PER_REQUEST) {
      throw new AppError('upload.request_full', 'too many files on request', 422, {
        userMessage: `Cette demande a déjà ${MAX_FILES_PER_REQUEST} documents : il n’est plus possible d’en ajouter.`,
      });
    }
  }
  return insertStoredFile(tx, {
    communeId,
    ownerAccountId: input.ownerAccountId,
    draftId: input.draftId ?? null,
    requestId: input.requestId ?? null,
    name: input.upload.name,
    mimeType: input.upload.mimeType,
    sizeBytes: input.upload.sizeBytes,
    content: input.upload.content,
    isInternal: input.isInternal ?? false,
  });
}

/** A stored file as a mail attachment: its blob address in the commune's scope, name and type. */
export function attachmentOf(file: Pick<StoredFileInfo, 'sha256' | 'name' | 'mimeType'>): MailAttachmentRef {
  return { sha256: file.sha256, name: file.name, mimeType: file.mimeType };
}

/**
 * A stored file with its bytes, if it belongs to the given request (when one is given) and is
 * visible (internal files only with includeInternal).
 */
export async function readFile(
  tx: Tx,
  fileId: string,
  options: { requestId?: string; includeInternal: boolean },
): Promise<StoredFile | undefined> {
  const file = await findStoredFile(tx, communeOf(tx), fileId);
  if (!file) return undefined;
  if (options.requestId !== undefined && file.requestId !== options.requestId) return undefined;
  if (file.isInternal && !options.includeInternal) return undefined;
  return file;
}
