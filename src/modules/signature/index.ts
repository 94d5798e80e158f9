/**
 * Front door of the parapheur: what other modules (courrier, council) may ask of it — start a
 * circuit for one of their documents, read where it is, get the signed file. They learn that a
 * circuit ended from the events `signature.circuit.completed` / `signature.circuit.refused`
 * (events.ts), never from the parapheur's tables.
 */
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { isUuid } from '../../platform/ids.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { activeAccountIdByEmail } from '../identity/index.js';
import { circuitStepsSchema, type DocumentType, type FunctionKey, type StepTemplate } from './circuits.js';
import { FOLDER_NOT_FOUND } from './folder-flow.js';
import {
  findFolder,
  listActions,
  listDocuments,
  listFunctionHolders,
  replaceFunctionHolder,
  saveCircuitTemplate,
} from './repo.js';
import { createFolder } from './use-cases/create-folder.js';

export type { DocumentType, FunctionKey, StepTemplate } from './circuits.js';
export { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES } from './circuits.js';
export type { CircuitClosedPayload } from './events.js';

export interface StartCircuitInput {
  communeId: string;
  /** The module asking (e.g. `courrier`), and its reference for the document (e.g. its chrono number). */
  module: string;
  reference: string;
  /** The person on whose behalf the module asks (the folder's author), if any. */
  requestedBy: Actor | null;
  requestId?: string | null;
  title: string;
  documentType: DocumentType;
  amountCents?: number | null;
  serviceId?: string | null;
  dueOn?: string | null;
  /** The document to sign (PDF, or ODT/DOCX converted), then annexes. */
  documents: ReadonlyArray<{ name: string; mimeType: string; content: Buffer }>;
}

/** Starts a circuit for another module's document; returns the folder's id and number. */
export async function startCircuit(
  ctx: AppContext,
  input: StartCircuitInput,
): Promise<{ folderId: string; number: string }> {
  const folder = await createFolder(
    ctx,
    {
      communeId: input.communeId,
      requestId: input.requestId ?? null,
      by: input.requestedBy,
      origin: 'module',
      reference: `${input.module}:${input.reference}`,
    },
    {
      titre: input.title,
      type: input.documentType,
      montant: input.amountCents == null ? '' : (input.amountCents / 100).toFixed(2),
      service: input.serviceId ?? '',
      echeance: input.dueOn ?? '',
    },
    input.documents,
  );
  return { folderId: folder.id, number: folder.number };
}

/** Who holds a function, for instances provisioned by script (the demo): by e-mail and service slug. */
export interface SeededFunctionHolder {
  function: FunctionKey;
  email: string;
  /** For `chef_service`: the service's slug. */
  serviceSlug?: string;
}

/** Names who holds each function in the transaction's commune (provisioning by script, never people). */
export async function seedFunctionHolders(tx: Tx, holders: readonly SeededFunctionHolder[]): Promise<void> {
  const communeId = tx.communeId;
  if (!communeId) throw new Error('seedFunctionHolders needs a tenant transaction');
  const services = await listServices(tx, communeId);
  for (const h of holders) {
    const accountId = await activeAccountIdByEmail(tx, h.email);
    const serviceId = h.serviceSlug ? services.find((s) => s.slug === h.serviceSlug)?.id : null;
    if (!accountId || serviceId === undefined) throw new Error(`cannot seed ${h.function} for ${h.email}`);
    await replaceFunctionHolder(tx, communeId, h.function, serviceId, accountId);
  }
}

/** Sets the commune's circuit of some document types (provisioning by script: the demo). */
export async function seedCircuits(
  tx: Tx,
  circuits: ReadonlyArray<{ documentType: DocumentType; name: string; steps: StepTemplate[] }>,
): Promise<void> {
  const communeId = tx.communeId;
  if (!communeId) throw new Error('seedCircuits needs a tenant transaction');
  for (const c of circuits) {
    await saveCircuitTemplate(tx, communeId, { ...c, steps: circuitStepsSchema.parse(c.steps), accountId: null });
  }
}

export interface CircuitStatus {
  folderId: string;
  number: string;
  status: 'en_cours' | 'termine' | 'refuse';
  /** SHA-256 of the main document's latest version (signed once terminé). */
  documentSha256: string;
}

/** Where a folder is (for the module that started it); 404 when it is not of this commune. */
export async function circuitStatus(ctx: AppContext, communeId: string, folderId: string): Promise<CircuitStatus> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const folder = isUuid(folderId) ? await findFolder(tx, communeId, folderId) : undefined;
    if (!folder) throw FOLDER_NOT_FOUND();
    const principal = (await listDocuments(tx, communeId, folderId)).find((d) => d.role === 'principal')!;
    return { folderId, number: folder.number, status: folder.status, documentSha256: principal.currentSha256 };
  });
}

/** The main document as it is now (signed once the circuit is terminé). */
export async function signedDocument(ctx: AppContext, communeId: string, folderId: string): Promise<Buffer> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const folder = isUuid(folderId) ? await findFolder(tx, communeId, folderId) : undefined;
    if (!folder) throw FOLDER_NOT_FOUND();
    const principal = (await listDocuments(tx, communeId, folderId)).find((d) => d.role === 'principal')!;
    return tx.blobs.get({ communeId }, principal.currentSha256);
  });
}

/** A visa or a signature given on a folder (taken back ones left out). */
export interface CircuitAct {
  kind: 'visa' | 'signature';
  /** Who acted, and for whom when by delegation. */
  accountId: string | null;
  onBehalfOf: string | null;
  at: Date;
}

/**
 * The visas and signatures of a folder, in the order given, for the module that started it (the
 * courrier writes them in its mail's history). Inside the caller's tenant transaction.
 */
export async function circuitActs(tx: Tx, communeId: string, folderId: string): Promise<CircuitAct[]> {
  if (!isUuid(folderId)) return [];
  return (await listActions(tx, communeId, folderId))
    .filter((a) => (a.kind === 'visa' || a.kind === 'signature') && !a.withdrawnAt)
    .map((a) => ({
      kind: a.kind as CircuitAct['kind'],
      accountId: a.accountId,
      onBehalfOf: a.onBehalfOf,
      at: a.occurredAt,
    }));
}

/**
 * The services whose head (function « chef du service ») the account is, inside the caller's
 * tenant transaction: the courrier lets a head of service declare the absence of their agents.
 */
export async function servicesHeadedBy(tx: Tx, communeId: string, accountId: string): Promise<string[]> {
  return (await listFunctionHolders(tx, communeId))
    .filter((h) => h.functionKey === 'chef_service' && h.accountId === accountId && h.serviceId !== null)
    .map((h) => h.serviceId!);
}
