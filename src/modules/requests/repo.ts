/**
 * Queries on procedures, form versions, routing rules, drafts, requests, their events, stored
 * files and routing examples. Every function takes the commune id and filters by it (RLS is the
 * second barrier); none opens a transaction.
 */
import { and, asc, desc, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type CitizenRequest,
  citizenRequest,
  draft,
  formVersion,
  type Procedure,
  procedure,
  type RequestEvent,
  requestEvent,
  routingExample,
  routingRule,
  type StoredFile,
  storedFile,
} from './schema.js';

export type Draft = typeof draft.$inferSelect;
export type FormVersion = typeof formVersion.$inferSelect;
export type RoutingRule = typeof routingRule.$inferSelect;
export type RoutingExample = typeof routingExample.$inferSelect;
/** A stored file without its bytes. */
export type StoredFileInfo = Omit<StoredFile, 'content'>;
const communeScope = (communeId: string) => ({ communeId });

// — Procedures and form versions —

export async function insertProcedure(tx: Tx, values: Omit<typeof procedure.$inferInsert, 'id'>): Promise<Procedure> {
  const rows = await tx.db
    .insert(procedure)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

/** Procedures of the commune, published only unless asked otherwise, by category then title. */
export function listProcedures(
  tx: Tx,
  communeId: string,
  options: { includeUnpublished?: boolean } = {},
): Promise<Procedure[]> {
  return tx.db
    .select()
    .from(procedure)
    .where(
      and(eq(procedure.communeId, communeId), options.includeUnpublished ? undefined : eq(procedure.isPublished, true)),
    )
    .orderBy(sql`${procedure.category} COLLATE "und-x-icu"`, sql`${procedure.title} COLLATE "und-x-icu"`);
}

export async function findProcedureBySlug(tx: Tx, communeId: string, slug: string): Promise<Procedure | undefined> {
  const rows = await tx.db
    .select()
    .from(procedure)
    .where(and(eq(procedure.communeId, communeId), eq(procedure.slug, slug)))
    .limit(1);
  return rows[0];
}

export async function findProcedureById(tx: Tx, communeId: string, id: string): Promise<Procedure | undefined> {
  const rows = await tx.db
    .select()
    .from(procedure)
    .where(and(eq(procedure.communeId, communeId), eq(procedure.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertFormVersion(
  tx: Tx,
  values: Omit<typeof formVersion.$inferInsert, 'id'>,
): Promise<FormVersion> {
  const rows = await tx.db
    .insert(formVersion)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function findFormVersion(
  tx: Tx,
  communeId: string,
  procedureId: string,
  version: number,
): Promise<FormVersion | undefined> {
  const rows = await tx.db
    .select()
    .from(formVersion)
    .where(
      and(
        eq(formVersion.communeId, communeId),
        eq(formVersion.procedureId, procedureId),
        eq(formVersion.version, version),
      ),
    )
    .limit(1);
  return rows[0];
}

// — Routing rules and examples —

export async function insertRoutingRule(tx: Tx, values: Omit<typeof routingRule.$inferInsert, 'id'>): Promise<void> {
  await tx.db.insert(routingRule).values({ id: uuidv7(), ...values });
}

/** Rules of a procedure in the order they are tried. */
export function listRoutingRules(tx: Tx, communeId: string, procedureId: string): Promise<RoutingRule[]> {
  return tx.db
    .select()
    .from(routingRule)
    .where(and(eq(routingRule.communeId, communeId), eq(routingRule.procedureId, procedureId)))
    .orderBy(asc(routingRule.position));
}

export async function insertRoutingExamples(
  tx: Tx,
  communeId: string,
  examples: ReadonlyArray<{ text: string; serviceSlug: string; source: 'seed' | 'rerouting' }>,
): Promise<void> {
  if (examples.length === 0) return;
  await tx.db.insert(routingExample).values(examples.map((e) => ({ id: uuidv7(), communeId, ...e })));
}

export function listRoutingExamples(tx: Tx, communeId: string): Promise<RoutingExample[]> {
  return tx.db
    .select()
    .from(routingExample)
    .where(eq(routingExample.communeId, communeId))
    .orderBy(asc(routingExample.createdAt), asc(routingExample.id));
}

// — Drafts —

/** Who owns a draft: an account, or the hash of an anonymous visitor's cookie token. */
export type DraftOwner = { accountId: string } | { tokenHash: string };

function ownerCondition(owner: DraftOwner) {
  return 'accountId' in owner ? eq(draft.accountId, owner.accountId) : eq(draft.tokenHash, owner.tokenHash);
}

/** The latest draft of a procedure for its owner. */
export async function findDraft(
  tx: Tx,
  communeId: string,
  procedureId: string,
  owner: DraftOwner,
): Promise<Draft | undefined> {
  const rows = await tx.db
    .select()
    .from(draft)
    .where(and(eq(draft.communeId, communeId), eq(draft.procedureId, procedureId), ownerCondition(owner)))
    .orderBy(desc(draft.updatedAt))
    .limit(1);
  return rows[0];
}

export async function insertDraft(
  tx: Tx,
  values: Omit<typeof draft.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>,
): Promise<Draft> {
  const rows = await tx.db
    .insert(draft)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function updateDraft(
  tx: Tx,
  communeId: string,
  draftId: string,
  values: { answers: Record<string, unknown>; currentPage: string | null; formVersion?: number },
): Promise<void> {
  await tx.db
    .update(draft)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(draft.communeId, communeId), eq(draft.id, draftId)));
}

/** Deletes a draft; its files stay (stored_file.draft_id is set to NULL by the foreign key). */
export async function deleteDraft(tx: Tx, communeId: string, draftId: string): Promise<void> {
  await tx.db.delete(draft).where(and(eq(draft.communeId, communeId), eq(draft.id, draftId)));
}

/** Drafts of an account in the commune (most recent first), with their procedure. */
export function listDraftsOfAccount(tx: Tx, communeId: string, accountId: string) {
  return tx.db
    .select({ draft, procedure })
    .from(draft)
    .innerJoin(procedure, and(eq(procedure.id, draft.procedureId), eq(procedure.communeId, draft.communeId)))
    .where(and(eq(draft.communeId, communeId), eq(draft.accountId, accountId)))
    .orderBy(desc(draft.updatedAt));
}

// — Requests —

export async function insertRequest(
  tx: Tx,
  values: Omit<typeof citizenRequest.$inferInsert, 'id'> & { id?: string },
): Promise<CitizenRequest> {
  const rows = await tx.db
    .insert(citizenRequest)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function findRequestById(tx: Tx, communeId: string, id: string): Promise<CitizenRequest | undefined> {
  const rows = await tx.db
    .select()
    .from(citizenRequest)
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.id, id)))
    .limit(1);
  return rows[0];
}

export async function findRequestByNumber(
  tx: Tx,
  communeId: string,
  number: string,
): Promise<CitizenRequest | undefined> {
  const rows = await tx.db
    .select()
    .from(citizenRequest)
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.number, number)))
    .limit(1);
  return rows[0];
}

/** A request by its live "mode simple" processing token (hash). */
export async function findRequestByProcessToken(
  tx: Tx,
  communeId: string,
  tokenHash: string,
): Promise<CitizenRequest | undefined> {
  const rows = await tx.db
    .select()
    .from(citizenRequest)
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.processTokenHash, tokenHash)))
    .limit(1);
  return rows[0];
}

/** Requests of an account in the commune, most recent first, with their procedure's title. */
export function listRequestsOfAccount(tx: Tx, communeId: string, accountId: string) {
  return tx.db
    .select({
      request: citizenRequest,
      procedureTitle: procedure.title,
      procedureSlug: procedure.slug,
      procedureWorkflow: procedure.workflow,
    })
    .from(citizenRequest)
    .leftJoin(
      procedure,
      and(eq(procedure.id, citizenRequest.procedureId), eq(procedure.communeId, citizenRequest.communeId)),
    )
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.accountId, accountId)))
    .orderBy(desc(citizenRequest.submittedAt));
}

export async function updateRequest(
  tx: Tx,
  communeId: string,
  requestId: string,
  values: Partial<
    Pick<
      CitizenRequest,
      | 'status'
      | 'step'
      | 'assigneeId'
      | 'serviceId'
      | 'routedBy'
      | 'routingConfidence'
      | 'routingExplanation'
      | 'closedAt'
      | 'receiptFileId'
      | 'processTokenHash'
      | 'processTokenExpiresAt'
      | 'dueAt'
    >
  >,
): Promise<CitizenRequest> {
  const rows = await tx.db
    .update(citizenRequest)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.id, requestId)))
    .returning();
  return rows[0]!;
}

// — Events —

export async function insertRequestEvent(
  tx: Tx,
  values: Omit<typeof requestEvent.$inferInsert, 'id' | 'createdAt'>,
): Promise<RequestEvent> {
  const rows = await tx.db
    .insert(requestEvent)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

/** The history of a request, oldest first; internal notes only when asked (agents). */
export function listRequestEvents(
  tx: Tx,
  communeId: string,
  requestId: string,
  options: { includeInternal: boolean },
): Promise<RequestEvent[]> {
  return tx.db
    .select()
    .from(requestEvent)
    .where(
      and(
        eq(requestEvent.communeId, communeId),
        eq(requestEvent.requestId, requestId),
        options.includeInternal ? undefined : eq(requestEvent.isInternal, false),
      ),
    )
    .orderBy(asc(requestEvent.createdAt), asc(requestEvent.id));
}

// — Stored files —

const fileInfoColumns = {
  id: storedFile.id,
  communeId: storedFile.communeId,
  ownerAccountId: storedFile.ownerAccountId,
  draftId: storedFile.draftId,
  requestId: storedFile.requestId,
  name: storedFile.name,
  mimeType: storedFile.mimeType,
  sizeBytes: storedFile.sizeBytes,
  sha256: storedFile.sha256,
  isInternal: storedFile.isInternal,
  createdAt: storedFile.createdAt,
};

/** Stores the bytes in the commune's blob scope, then the file's row with their address. */
export async function insertStoredFile(
  tx: Tx,
  values: Omit<typeof storedFile.$inferInsert, 'id' | 'createdAt' | 'sha256'> & { content: Buffer },
): Promise<StoredFileInfo> {
  const { content, ...row } = values;
  const sha256 = await tx.blobs.put(communeScope(row.communeId), content);
  const rows = await tx.db
    .insert(storedFile)
    .values({ id: uuidv7(), ...row, sha256 })
    .returning(fileInfoColumns);
  return rows[0]!;
}

/** A stored file with its bytes (read from the blob store, checked against its address). */
export async function findStoredFile(tx: Tx, communeId: string, id: string): Promise<StoredFile | undefined> {
  const rows = await tx.db
    .select(fileInfoColumns)
    .from(storedFile)
    .where(and(eq(storedFile.communeId, communeId), eq(storedFile.id, id)))
    .limit(1);
  const file = rows[0];
  if (!file) return undefined;
  return { ...file, content: await tx.blobs.get(communeScope(communeId), file.sha256) };
}

/** Files of a request (without bytes), oldest first; internal ones only when asked. */
export function listRequestFiles(
  tx: Tx,
  communeId: string,
  requestId: string,
  options: { includeInternal: boolean },
): Promise<StoredFileInfo[]> {
  return tx.db
    .select(fileInfoColumns)
    .from(storedFile)
    .where(
      and(
        eq(storedFile.communeId, communeId),
        eq(storedFile.requestId, requestId),
        options.includeInternal ? undefined : eq(storedFile.isInternal, false),
      ),
    )
    .orderBy(asc(storedFile.createdAt), asc(storedFile.id));
}

/** Files of a draft (without bytes) not yet attached to a request. */
export function listDraftFiles(tx: Tx, communeId: string, draftId: string): Promise<StoredFileInfo[]> {
  return tx.db
    .select(fileInfoColumns)
    .from(storedFile)
    .where(and(eq(storedFile.communeId, communeId), eq(storedFile.draftId, draftId), isNull(storedFile.requestId)))
    .orderBy(asc(storedFile.createdAt), asc(storedFile.id));
}

/** Attaches files (not yet attached to any request) to a request. */
export async function attachFilesToRequest(
  tx: Tx,
  communeId: string,
  requestId: string,
  fileIds: readonly string[],
): Promise<number> {
  if (fileIds.length === 0) return 0;
  const rows = await tx.db
    .update(storedFile)
    .set({ requestId })
    .where(and(eq(storedFile.communeId, communeId), inArray(storedFile.id, [...fileIds]), isNull(storedFile.requestId)))
    .returning({ id: storedFile.id });
  return rows.length;
}

/** Deletes the files of a draft that were not kept in its answers (removed or replaced). */
export async function deleteDraftFilesExcept(
  tx: Tx,
  communeId: string,
  draftId: string,
  keepIds: readonly string[],
): Promise<void> {
  const deleted = await tx.db
    .delete(storedFile)
    .where(
      and(
        eq(storedFile.communeId, communeId),
        eq(storedFile.draftId, draftId),
        isNull(storedFile.requestId),
        keepIds.length > 0 ? notInArray(storedFile.id, [...keepIds]) : undefined,
      ),
    )
    .returning({ sha256: storedFile.sha256 });
  // Their bytes go too, unless another file of the commune has the same ones.
  for (const sha256 of new Set(deleted.map((d) => d.sha256))) {
    await tx.blobs.lockForDelete(communeScope(communeId), sha256);
    const others = await tx.db
      .select({ id: storedFile.id })
      .from(storedFile)
      .where(and(eq(storedFile.communeId, communeId), eq(storedFile.sha256, sha256)))
      .limit(1);
    if (others.length === 0) await tx.blobs.delete(communeScope(communeId), sha256);
  }
}
