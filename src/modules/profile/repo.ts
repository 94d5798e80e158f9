/**
 * Queries of the profile tables. Every function first scopes the transaction to the account
 * (`scopeToAccount`: Row-Level Security then hides every other account's rows) and also filters
 * by account id itself: two barriers, as for communes.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { scopeToAccount, type Tx } from '../../platform/db/tenant.js';
import type { DocumentKind } from '../forms/index.js';
import {
  type CitizenProfileRow,
  citizenProfile,
  type HouseholdMember,
  householdMember,
  type SupportingDocument,
  type SupportingDocumentInfo,
  supportingDocument,
} from './schema.js';

// — Contact details —

export async function findProfileRow(tx: Tx, accountId: string): Promise<CitizenProfileRow | undefined> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db.select().from(citizenProfile).where(eq(citizenProfile.accountId, accountId)).limit(1);
  return rows[0];
}

export async function upsertProfileRow(
  tx: Tx,
  accountId: string,
  values: Omit<typeof citizenProfile.$inferInsert, 'accountId' | 'updatedAt'>,
): Promise<void> {
  await scopeToAccount(tx, accountId);
  await tx.db
    .insert(citizenProfile)
    .values({ accountId, ...values, updatedAt: new Date() })
    .onConflictDoUpdate({ target: citizenProfile.accountId, set: { ...values, updatedAt: new Date() } });
}

// — Household —

export async function listHouseholdMembers(tx: Tx, accountId: string): Promise<HouseholdMember[]> {
  await scopeToAccount(tx, accountId);
  return tx.db
    .select()
    .from(householdMember)
    .where(eq(householdMember.accountId, accountId))
    .orderBy(asc(householdMember.birthDate), asc(householdMember.id));
}

export async function findHouseholdMember(tx: Tx, accountId: string, id: string): Promise<HouseholdMember | undefined> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .select()
    .from(householdMember)
    .where(and(eq(householdMember.accountId, accountId), eq(householdMember.id, id)))
    .limit(1);
  return rows[0];
}

export async function insertHouseholdMember(
  tx: Tx,
  accountId: string,
  values: Pick<HouseholdMember, 'givenName' | 'familyName' | 'birthDate' | 'relation'>,
): Promise<HouseholdMember> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .insert(householdMember)
    .values({ id: uuidv7(), accountId, ...values })
    .returning();
  return rows[0]!;
}

export async function updateHouseholdMemberRow(
  tx: Tx,
  accountId: string,
  id: string,
  values: Pick<HouseholdMember, 'givenName' | 'familyName' | 'birthDate' | 'relation'>,
): Promise<boolean> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .update(householdMember)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(householdMember.accountId, accountId), eq(householdMember.id, id)))
    .returning({ id: householdMember.id });
  return rows.length === 1;
}

export async function deleteHouseholdMemberRow(tx: Tx, accountId: string, id: string): Promise<boolean> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .delete(householdMember)
    .where(and(eq(householdMember.accountId, accountId), eq(householdMember.id, id)))
    .returning({ id: householdMember.id });
  return rows.length === 1;
}

// — Supporting documents —

const documentInfoColumns = {
  id: supportingDocument.id,
  accountId: supportingDocument.accountId,
  kind: supportingDocument.kind,
  name: supportingDocument.name,
  mimeType: supportingDocument.mimeType,
  sizeBytes: supportingDocument.sizeBytes,
  sha256: supportingDocument.sha256,
  issuedOn: supportingDocument.issuedOn,
  validUntil: supportingDocument.validUntil,
  createdAt: supportingDocument.createdAt,
};

/** The account's documents without their bytes, by kind then newest first. */
export async function listDocumentRows(
  tx: Tx,
  accountId: string,
  kind?: DocumentKind,
): Promise<SupportingDocumentInfo[]> {
  await scopeToAccount(tx, accountId);
  return tx.db
    .select(documentInfoColumns)
    .from(supportingDocument)
    .where(and(eq(supportingDocument.accountId, accountId), kind ? eq(supportingDocument.kind, kind) : undefined))
    .orderBy(asc(supportingDocument.kind), desc(supportingDocument.createdAt), desc(supportingDocument.id));
}

/** One of the account's documents, without its bytes. */
export async function findDocumentInfoRow(
  tx: Tx,
  accountId: string,
  id: string,
): Promise<SupportingDocumentInfo | undefined> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .select(documentInfoColumns)
    .from(supportingDocument)
    .where(and(eq(supportingDocument.accountId, accountId), eq(supportingDocument.id, id)))
    .limit(1);
  return rows[0];
}

/** One of the account's documents, with its bytes (from the blob store, checked against the address). */
export async function findDocumentRow(tx: Tx, accountId: string, id: string): Promise<SupportingDocument | undefined> {
  const document = await findDocumentInfoRow(tx, accountId, id);
  if (!document) return undefined;
  return { ...document, content: await tx.blobs.get({ accountId }, document.sha256) };
}

/** Stores the bytes in the account's blob scope, then the document's row with their address. */
export async function insertDocumentRow(
  tx: Tx,
  accountId: string,
  values: Omit<typeof supportingDocument.$inferInsert, 'id' | 'accountId' | 'createdAt' | 'sha256'> & {
    content: Buffer;
  },
): Promise<SupportingDocumentInfo> {
  await scopeToAccount(tx, accountId);
  const { content, ...row } = values;
  const sha256 = await tx.blobs.put({ accountId }, content);
  const rows = await tx.db
    .insert(supportingDocument)
    .values({ id: uuidv7(), accountId, ...row, sha256 })
    .returning(documentInfoColumns);
  return rows[0]!;
}

/** Erases the bytes of a deleted document unless another document of the account has the same. */
async function deleteUnreferencedBlob(tx: Tx, accountId: string, sha256: string): Promise<void> {
  await tx.blobs.lockForDelete({ accountId }, sha256);
  const others = await tx.db
    .select({ id: supportingDocument.id })
    .from(supportingDocument)
    .where(and(eq(supportingDocument.accountId, accountId), eq(supportingDocument.sha256, sha256)))
    .limit(1);
  if (others.length === 0) await tx.blobs.delete({ accountId }, sha256);
}

export async function deleteDocumentRow(
  tx: Tx,
  accountId: string,
  id: string,
): Promise<SupportingDocumentInfo | undefined> {
  await scopeToAccount(tx, accountId);
  const rows = await tx.db
    .delete(supportingDocument)
    .where(and(eq(supportingDocument.accountId, accountId), eq(supportingDocument.id, id)))
    .returning(documentInfoColumns);
  if (rows[0]) await deleteUnreferencedBlob(tx, accountId, rows[0].sha256);
  return rows[0];
}

/** Erasure of the account: every personal record of the profile module. */
export async function deleteAllProfileRows(tx: Tx, accountId: string): Promise<void> {
  await scopeToAccount(tx, accountId);
  const deleted = await tx.db
    .delete(supportingDocument)
    .where(eq(supportingDocument.accountId, accountId))
    .returning({ sha256: supportingDocument.sha256 });
  for (const sha256 of new Set(deleted.map((d) => d.sha256))) await tx.blobs.delete({ accountId }, sha256);
  await tx.db.delete(householdMember).where(eq(householdMember.accountId, accountId));
  await tx.db.delete(citizenProfile).where(eq(citizenProfile.accountId, accountId));
}
