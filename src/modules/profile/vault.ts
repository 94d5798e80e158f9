/**
 * The document vault ("mes justificatifs"): documents a signed-in citizen keeps to attach them to
 * démarches without uploading them again. Each has a kind, an issue date and/or an end of
 * validity (a proof of address is valid 3 months after its issue date unless told otherwise; an
 * identity document until the expiry date typed by its owner), hence a status on any given day.
 * Files are checked by content exactly like démarche uploads (platform/files/checks.ts). Adding and
 * deleting are journaled without personal data (kind, size and source only).
 */
import { recordAudit } from '../../platform/audit/journal.js';
import type { Tx } from '../../platform/db/tenant.js';
import { AppError, notFound } from '../../platform/errors.js';
import {
  DEFAULT_ACCEPTED_TYPES,
  describeTypes,
  MAX_UPLOAD_BYTES,
  type UploadedPart,
  type ValidatedUpload,
  validateUpload,
} from '../../platform/files/checks.js';
import { addCalendarMonths } from '../../platform/time/calendar.js';
import { formatDate } from '../../platform/views/format.js';
import {
  DOCUMENT_KIND_RULES,
  type DocumentKind,
  type DocumentStatus,
  dateFromParts,
  documentStatus,
  isDocumentKind,
  parisToday,
} from '../forms/index.js';
import {
  deleteDocumentRow,
  findDocumentInfoRow,
  findDocumentRow,
  insertDocumentRow,
  listDocumentRows,
} from './repo.js';
import type { SupportingDocument, SupportingDocumentInfo } from './schema.js';

/** Most documents one account may keep. */
export const MAX_DOCUMENTS = 30;
/** Types the vault accepts (checked by content). */
export const VAULT_ACCEPTED_TYPES = DEFAULT_ACCEPTED_TYPES;
export const VAULT_MAX_BYTES = MAX_UPLOAD_BYTES;
export const VAULT_FORMATS_TEXT = describeTypes(VAULT_ACCEPTED_TYPES);
const EARLIEST_DATE = '1900-01-01';

export interface DocumentDetails {
  kind: DocumentKind;
  issuedOn: string | null;
  /** As stored: typed, or computed from the kind's default validity. */
  validUntil: string | null;
}

export type VaultDocument = SupportingDocumentInfo & { status: DocumentStatus };

const displayDate = (iso: string) => formatDate(`${iso}T12:00:00Z`);

/** The three boxes of a date (`${name}-day|month|year`): empty, a real date, or unreadable. */
function readDate(body: Record<string, unknown>, name: string): { value: string | null; isBroken: boolean } {
  const part = (key: string) => {
    const raw = body[`${name}-${key}`];
    return (typeof raw === 'string' ? raw : '').trim();
  };
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (day === '' && month === '' && year === '') return { value: null, isBroken: false };
  const value = dateFromParts(day, month, year);
  return { value, isBroken: value === null };
}

/**
 * The kind and dates typed for a document, checked against `today` (Europe/Paris). Throws a 422
 * AppError with French messages keyed `type`, `emission` and `validite`; a document already
 * expired is refused (it could not be used anyway).
 */
export function parseDocumentDetails(body: Record<string, unknown>, today: string = parisToday()): DocumentDetails {
  const errors: Record<string, string> = {};
  const kind = body.type;
  if (!isDocumentKind(kind)) errors.type = 'Choisissez le type de document';
  const issued = readDate(body, 'emission');
  const until = readDate(body, 'validite');
  if (issued.isBroken) errors.emission = 'La date d’émission doit être une date réelle, par exemple 12 3 2026';
  else if (issued.value !== null && issued.value > today)
    errors.emission = 'La date d’émission doit être aujourd’hui ou dans le passé';
  else if (issued.value !== null && issued.value < EARLIEST_DATE)
    errors.emission = 'La date d’émission doit être après le 1er janvier 1900';
  if (until.isBroken) errors.validite = 'La date de fin de validité doit être une date réelle, par exemple 12 3 2030';
  else if (until.value !== null && issued.value !== null && until.value < issued.value)
    errors.validite = 'La date de fin de validité doit être après la date d’émission';
  if (isDocumentKind(kind)) {
    const rule = DOCUMENT_KIND_RULES[kind];
    if (rule.requires === 'issuedOn' && issued.value === null && !issued.isBroken) {
      errors.emission =
        'Saisissez la date d’émission du document, par exemple la date de la facture ou de l’attestation';
    }
    if (rule.requires === 'validUntil' && until.value === null && !until.isBroken) {
      errors.validite = 'Saisissez la date d’expiration de la pièce d’identité';
    }
  }
  if (Object.keys(errors).length > 0 || !isDocumentKind(kind)) throw invalid(errors);

  const months = DOCUMENT_KIND_RULES[kind].defaultValidityMonths;
  const validUntil =
    until.value ?? (months !== undefined && issued.value !== null ? addCalendarMonths(issued.value, months) : null);
  if (validUntil !== null && validUntil < today) {
    throw invalid(
      until.value === null
        ? {
            emission: `Ce document n’est plus valable depuis le ${displayDate(validUntil)} (${months} mois après sa date d’émission) : ajoutez un document plus récent`,
          }
        : { validite: `Ce document a expiré le ${displayDate(validUntil)} : ajoutez un document en cours de validité` },
    );
  }
  return { kind, issuedOn: issued.value, validUntil };
}

function invalid(fields: Record<string, string>): AppError {
  const order = ['fichier', 'type', 'emission', 'validite'];
  const sorted = Object.fromEntries(order.filter((k) => fields[k]).map((k) => [k, fields[k]!]));
  return new AppError('input.invalid', 'invalid document form', 422, { fields: sorted });
}

/** "valable jusqu’au 15 mars 2026" or "sans date de fin de validité". */
export function validityText(validUntil: string | null): string {
  return validUntil === null ? 'sans date de fin de validité' : `valable jusqu’au ${displayDate(validUntil)}`;
}

// — Use cases —

/** The account's documents (without bytes), each with its status today. */
export async function listDocuments(tx: Tx, accountId: string, today = parisToday()): Promise<VaultDocument[]> {
  return (await listDocumentRows(tx, accountId)).map((d) => ({ ...d, status: documentStatus(d.validUntil, today) }));
}

/** The account's documents of a kind that can still be used today (not expired), newest first. */
export async function usableDocuments(
  tx: Tx,
  accountId: string,
  kind: DocumentKind,
  today = parisToday(),
): Promise<VaultDocument[]> {
  return (await listDocumentRows(tx, accountId, kind))
    .map((d) => ({ ...d, status: documentStatus(d.validUntil, today) }))
    .filter((d) => d.status !== 'expire');
}

/** One of the account's documents without its bytes (pages that only show it), or undefined. */
export function readDocumentInfo(
  tx: Tx,
  accountId: string,
  documentId: string,
): Promise<SupportingDocumentInfo | undefined> {
  return findDocumentInfoRow(tx, accountId, documentId);
}

/** One of the account's documents with its bytes, or undefined (another account's included). */
export function readDocument(tx: Tx, accountId: string, documentId: string): Promise<SupportingDocument | undefined> {
  return findDocumentRow(tx, accountId, documentId);
}

/** Checks a posted file like a démarche upload; the field message is keyed `fichier`. */
export async function validateVaultUpload(part: UploadedPart): Promise<ValidatedUpload> {
  return validateUpload(
    { ...part, field: 'fichier' },
    { accept: VAULT_ACCEPTED_TYPES, maxBytes: VAULT_MAX_BYTES, formatsText: VAULT_FORMATS_TEXT },
  );
}

/** Keeps a checked file in the account's vault, journaled in the commune where it happened. */
export async function addDocument(
  tx: Tx,
  input: {
    accountId: string;
    upload: Pick<ValidatedUpload, 'name' | 'mimeType' | 'content' | 'sizeBytes' | 'sha256'>;
    details: DocumentDetails;
    source: 'upload' | 'request';
    httpRequestId?: string | null;
  },
): Promise<SupportingDocumentInfo> {
  if ((await listDocumentRows(tx, input.accountId)).length >= MAX_DOCUMENTS) {
    throw new AppError('vault.full', 'vault full', 422, {
      fields: {
        fichier: `Vous conservez déjà ${MAX_DOCUMENTS} documents : supprimez-en un avant d’en ajouter un autre.`,
      },
    });
  }
  const document = await insertDocumentRow(tx, input.accountId, {
    kind: input.details.kind,
    name: input.upload.name,
    mimeType: input.upload.mimeType,
    sizeBytes: input.upload.sizeBytes,
    content: input.upload.content,
    issuedOn: input.details.issuedOn,
    validUntil: input.details.validUntil,
  });
  await recordAudit(tx, {
    action: 'document_vault.added',
    actorType: 'citizen',
    actorId: input.accountId,
    targetType: 'supporting_document',
    targetId: document.id,
    data: { kind: document.kind, sizeBytes: document.sizeBytes, source: input.source },
    requestId: input.httpRequestId ?? null,
  });
  return document;
}

/** Deletes one of the account's documents (404 for anyone else's). */
export async function deleteDocument(
  tx: Tx,
  accountId: string,
  documentId: string,
  httpRequestId?: string | null,
): Promise<void> {
  const deleted = await deleteDocumentRow(tx, accountId, documentId);
  if (!deleted) throw notFound('vault.document_not_found', 'no such document');
  await recordAudit(tx, {
    action: 'document_vault.deleted',
    actorType: 'citizen',
    actorId: accountId,
    targetType: 'supporting_document',
    targetId: documentId,
    data: { kind: deleted.kind },
    requestId: httpRequestId ?? null,
  });
}
