/**
 * "Mes justificatifs" in démarches: on a file field that names a `documentKind`, a signed-in
 * citizen is offered the valid documents of that kind from the vault (those the field accepts by
 * type and size, not already attached); a chosen one is checked like an upload and copied into
 * the draft's files, so that the request, its receipt, mails and back-office see an ordinary
 * attachment. After submission, the files the citizen uploaded for such fields can be saved to
 * the vault (offered on the confirmation page, never done silently).
 */
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { type ValidatedUpload, validateUpload } from '../../platform/files/checks.js';
import {
  acceptedFormatsText,
  acceptedMimeTypes,
  type DocumentKind,
  documentStatus,
  type Field,
  type FileChoice,
  type FileRef,
  type FormDefinition,
  type FormPage,
  fileChoiceInput,
  maxBytes,
  parisToday,
  parseFormDefinition,
} from '../forms/index.js';
import { findFormVersion } from '../procedures/index.js';
import {
  listDocuments,
  readDocument,
  usableDocuments,
  VAULT_ACCEPTED_TYPES,
  VAULT_MAX_BYTES,
  validityText,
} from '../profile/index.js';
import { findRequestByNumber, findStoredFile, listRequestFiles, type StoredFileInfo } from './repo.js';
import type { StoredFile } from './schema.js';

/** File fields of a page (children of plain groups included) that name a kind of document. */
export function documentFields(page: FormPage): Field[] {
  return page.fields
    .flatMap((field) => (field.type === 'group' && field.repeat === undefined ? (field.fields ?? []) : [field]))
    .filter((field) => field.type === 'file' && field.file?.documentKind !== undefined);
}

function refsOf(value: unknown): FileRef[] {
  return Array.isArray(value)
    ? (value as unknown[]).filter(
        (v): v is FileRef =>
          typeof v === 'object' &&
          v !== null &&
          typeof (v as FileRef).id === 'string' &&
          typeof (v as FileRef).name === 'string',
      )
    : [];
}

/**
 * The vault documents to offer on each document field of a page: valid today, of the field's
 * kind, of a type and size it accepts, not already attached (same content), and only while the
 * field can take one more file.
 */
export async function vaultChoicesForPage(
  tx: Tx,
  accountId: string | null,
  page: FormPage,
  answers: Record<string, unknown>,
  draftFiles: readonly StoredFileInfo[],
): Promise<Record<string, FileChoice[]>> {
  const fields = documentFields(page);
  if (!accountId || fields.length === 0) return {};
  const shaById = new Map(draftFiles.map((f) => [f.id, f.sha256]));
  const out: Record<string, FileChoice[]> = {};
  for (const field of fields) {
    const attached = refsOf(answers[field.id]);
    if (attached.length >= (field.file?.maxFiles ?? 1)) continue;
    const attachedShas = new Set(attached.map((ref) => shaById.get(ref.id)));
    const accept = acceptedMimeTypes(field);
    const documents = await usableDocuments(tx, accountId, field.file!.documentKind as DocumentKind);
    const choices = documents
      .filter((d) => accept.includes(d.mimeType) && d.sizeBytes <= maxBytes(field) && !attachedShas.has(d.sha256))
      .map((d) => ({
        value: d.id,
        label: `Utiliser « ${d.name} » de mes justificatifs (${validityText(d.validUntil)})`,
      }));
    if (choices.length > 0) out[field.id] = choices;
  }
  return out;
}

/** The vault document ids ticked on a page, per document field. */
export function chosenDocuments(page: FormPage, body: Record<string, unknown>): Array<{ field: Field; id: string }> {
  return documentFields(page).flatMap((field) => {
    const raw = body[fileChoiceInput(field.id)];
    const ids = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    return [...new Set(ids)].slice(0, 20).map((id) => ({ field, id }));
  });
}

/**
 * A ticked vault document as an upload of the field: the citizen's own, of the field's kind, not
 * expired, and passing the same content checks as an upload. Throws an AppError with the field's
 * French message otherwise.
 */
export async function vaultDocumentAsUpload(
  tx: Tx,
  accountId: string,
  field: Field,
  documentId: string,
): Promise<ValidatedUpload & { sha256: string }> {
  const gone = () =>
    new AppError('vault.document_unavailable', 'vault document unavailable', 422, {
      fields: {
        [field.id]:
          'Ce document de vos justificatifs n’est plus disponible ou n’est plus valable : joignez un fichier.',
      },
    });
  if (!/^[0-9a-f-]{36}$/.test(documentId)) throw gone();
  const document = await readDocument(tx, accountId, documentId);
  if (!document || document.kind !== field.file?.documentKind) throw gone();
  if (documentStatus(document.validUntil, parisToday()) === 'expire') throw gone();
  return validateUpload(
    {
      field: field.id,
      filename: document.name,
      declaredType: document.mimeType,
      content: document.content,
      isTruncated: false,
    },
    { accept: acceptedMimeTypes(field), maxBytes: maxBytes(field), formatsText: acceptedFormatsText(field) },
  );
}

// — After submission: saving uploads to the vault —

/** A file of a submitted request that its author may keep in the vault. */
export interface SavableFile {
  fileId: string;
  name: string;
  kind: DocumentKind;
}

async function requestDefinition(tx: Tx, communeId: string, procedureId: string, version: number) {
  const row = await findFormVersion(tx, communeId, procedureId, version);
  if (!row) return undefined;
  const parsed = parseFormDefinition(row.definition);
  return parsed.ok ? parsed.definition : undefined;
}

function documentFieldsOf(definition: FormDefinition): Field[] {
  return definition.pages.flatMap(documentFields);
}

/**
 * The files of the account's request (by number) that were given for a document field and are
 * not in the vault yet (same content): what the confirmation page offers to save.
 */
export async function savableRequestFiles(
  tx: Tx,
  communeId: string,
  accountId: string,
  number: string,
): Promise<SavableFile[]> {
  const request = await findRequestByNumber(tx, communeId, number);
  if (!request || request.accountId !== accountId || !request.procedureId || request.formVersion === null) return [];
  const definition = await requestDefinition(tx, communeId, request.procedureId, request.formVersion);
  if (!definition) return [];
  const inVault = new Set((await listDocuments(tx, accountId)).map((d) => d.sha256));
  const files = new Map(
    (await listRequestFiles(tx, communeId, request.id, { includeInternal: false })).map((f) => [f.id, f]),
  );
  const out: SavableFile[] = [];
  for (const field of documentFieldsOf(definition)) {
    for (const ref of refsOf(request.answers[field.id])) {
      const file = files.get(ref.id);
      if (!file || inVault.has(file.sha256)) continue;
      // The vault keeps fewer types than some fields accept (no HEIC, no office documents).
      if (!(VAULT_ACCEPTED_TYPES as readonly string[]).includes(file.mimeType) || file.sizeBytes > VAULT_MAX_BYTES) {
        continue;
      }
      out.push({ fileId: file.id, name: file.name, kind: field.file!.documentKind as DocumentKind });
    }
  }
  return out;
}

/** One savable file of the account's request, with its bytes, or undefined. */
export async function readSavableRequestFile(
  tx: Tx,
  communeId: string,
  accountId: string,
  number: string,
  fileId: string,
): Promise<{ file: StoredFile; kind: DocumentKind } | undefined> {
  const request = await findRequestByNumber(tx, communeId, number);
  if (!request || request.accountId !== accountId || !request.procedureId || request.formVersion === null) {
    return undefined;
  }
  const definition = await requestDefinition(tx, communeId, request.procedureId, request.formVersion);
  const field = definition
    ? documentFieldsOf(definition).find((f) => refsOf(request.answers[f.id]).some((ref) => ref.id === fileId))
    : undefined;
  if (!field) return undefined;
  const file = await findStoredFile(tx, communeId, fileId);
  if (!file || file.requestId !== request.id || file.isInternal) return undefined;
  return { file, kind: field.file!.documentKind as DocumentKind };
}
