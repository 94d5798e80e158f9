/**
 * Queries on drafts, requests, their events, stored files and routing examples. Every function takes the commune id and filters by it (RLS is the
 * second barrier); none opens a transaction.
 */
import { and, asc, desc, eq, gte, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { proceduresByIds, type RequestStatus } from '../procedures/index.js';
import {
  type CitizenRequest,
  citizenRequest,
  competenceMap,
  draft,
  type RequestEvent,
  requestEvent,
  routingExample,
  type StoredFile,
  storedFile,
} from './schema.js';

export type Draft = typeof draft.$inferSelect;
export type RoutingExample = typeof routingExample.$inferSelect;
/** A stored file without its bytes. */
export type StoredFileInfo = Omit<StoredFile, 'content'>;
const communeScope = (communeId: string) => ({ communeId });

// — Routing examples (the classifier's training data) —

export async function insertRoutingExamples(
  tx: Tx,
  communeId: string,
  examples: ReadonlyArray<{
    text: string;
    serviceSlug: string;
    source: 'seed' | 'rerouting';
    competence?: string | null;
  }>,
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

// — Competence map (migration 0018) —

/** The commune's explicit choices: competence → service id (null: the accueil). */
export async function listCompetenceMap(tx: Tx, communeId: string): Promise<Map<string, string | null>> {
  const rows = await tx.db.select().from(competenceMap).where(eq(competenceMap.communeId, communeId));
  return new Map(rows.map((r) => [r.competence, r.serviceId]));
}

/** Replaces the commune's competence map with these choices. */
export async function saveCompetenceMap(
  tx: Tx,
  communeId: string,
  choices: ReadonlyMap<string, string | null>,
): Promise<void> {
  await tx.db.delete(competenceMap).where(eq(competenceMap.communeId, communeId));
  if (choices.size === 0) return;
  await tx.db
    .insert(competenceMap)
    .values([...choices].map(([competence, serviceId]) => ({ communeId, competence, serviceId })));
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
export async function listDraftsOfAccount(tx: Tx, communeId: string, accountId: string) {
  const drafts = await tx.db
    .select()
    .from(draft)
    .where(and(eq(draft.communeId, communeId), eq(draft.accountId, accountId)))
    .orderBy(desc(draft.updatedAt));
  const procedures = await proceduresByIds(
    tx,
    communeId,
    drafts.map((d) => d.procedureId),
  );
  return drafts.flatMap((d) => {
    const procedure = procedures.get(d.procedureId);
    return procedure ? [{ draft: d, procedure }] : [];
  });
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
export async function listRequestsOfAccount(tx: Tx, communeId: string, accountId: string) {
  const requests = await tx.db
    .select()
    .from(citizenRequest)
    .where(and(eq(citizenRequest.communeId, communeId), eq(citizenRequest.accountId, accountId)))
    .orderBy(desc(citizenRequest.submittedAt));
  const procedures = await proceduresByIds(
    tx,
    communeId,
    requests.flatMap((r) => (r.procedureId ? [r.procedureId] : [])),
  );
  return requests.map((request) => {
    const procedure = request.procedureId ? procedures.get(request.procedureId) : undefined;
    return {
      request,
      procedureTitle: procedure?.title ?? null,
      procedureSlug: procedure?.slug ?? null,
      procedureWorkflow: procedure?.workflow ?? null,
    };
  });
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

/** Requests received by the commune, all démarches and statuses. */
export async function countRequests(tx: Tx, communeId: string): Promise<number> {
  const rows = await tx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(citizenRequest)
    .where(eq(citizenRequest.communeId, communeId));
  return rows[0]?.n ?? 0;
}

/** Requests received per démarche (key: procedure id). */
export async function countRequestsByProcedure(tx: Tx, communeId: string): Promise<Map<string, number>> {
  const rows = await tx.db
    .select({ procedureId: citizenRequest.procedureId, n: sql<number>`count(*)::int` })
    .from(citizenRequest)
    .where(eq(citizenRequest.communeId, communeId))
    .groupBy(citizenRequest.procedureId);
  return new Map(rows.flatMap((r) => (r.procedureId ? [[r.procedureId, Number(r.n)] as const] : [])));
}

/** Requests « en cours » of one démarche per workflow step (key: step key). */
export async function countOpenRequestsByStep(
  tx: Tx,
  communeId: string,
  procedureId: string | undefined,
): Promise<Map<string, number>> {
  if (!procedureId) return new Map();
  const rows = await tx.db
    .select({ step: citizenRequest.step, n: sql<number>`count(*)::int` })
    .from(citizenRequest)
    .where(
      and(
        eq(citizenRequest.communeId, communeId),
        eq(citizenRequest.procedureId, procedureId),
        eq(citizenRequest.status, 'en_cours'),
      ),
    )
    .groupBy(citizenRequest.step);
  return new Map(rows.flatMap((r) => (r.step ? [[r.step, Number(r.n)] as const] : [])));
}

/** One page of the commune's requests, most recently updated first, with the total (the REST API). */
export async function listRequestsPage(
  tx: Tx,
  communeId: string,
  filter: { status?: RequestStatus; updatedSince?: Date; limit: number; offset: number },
): Promise<{ total: number; rows: CitizenRequest[] }> {
  const where = and(
    eq(citizenRequest.communeId, communeId),
    filter.status ? eq(citizenRequest.status, filter.status) : undefined,
    filter.updatedSince ? gte(citizenRequest.updatedAt, filter.updatedSince) : undefined,
  );
  const total = await tx.db.select({ n: sql<number>`count(*)::int` }).from(citizenRequest).where(where);
  const rows = await tx.db
    .select()
    .from(citizenRequest)
    .where(where)
    .orderBy(desc(citizenRequest.updatedAt), desc(citizenRequest.number))
    .limit(filter.limit)
    .offset(filter.offset);
  return { total: Number(total[0]?.n ?? 0), rows };
}

/** Records on an event which connector (API token) wrote it. */
export async function tagEventWithConnector(
  tx: Tx,
  communeId: string,
  eventId: string,
  tag: { connector: string; apiTokenId: string },
): Promise<void> {
  await tx.client.query(
    `UPDATE request_event SET data = data || jsonb_build_object('connector', $3::text, 'apiTokenId', $4::text)
      WHERE commune_id = $1 AND id = $2`,
    [communeId, eventId, tag.connector, tag.apiTokenId],
  );
}
