/**
 * Queries of the parapheur. Private to the module; every function takes the commune and filters
 * by it (Row-Level Security is the second barrier).
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import type { DocumentType, FunctionKey, StepTemplate } from './circuits.js';
import {
  type Action,
  action,
  certificate,
  circuit,
  type Delegation,
  delegation,
  document,
  type Folder,
  type FolderDocument,
  type FunctionHolder,
  folder,
  functionHolder,
  type Step,
  setting,
  step,
} from './schema.js';

// — Settings and circuit templates —

export async function findThreshold(tx: Tx, communeId: string): Promise<number | undefined> {
  const rows = await tx.db.select().from(setting).where(eq(setting.communeId, communeId));
  return rows[0]?.purchaseOrderThresholdCents;
}

export async function saveThreshold(tx: Tx, communeId: string, cents: number, accountId: string): Promise<void> {
  await tx.db
    .insert(setting)
    .values({ communeId, purchaseOrderThresholdCents: cents, updatedBy: accountId })
    .onConflictDoUpdate({
      target: setting.communeId,
      set: { purchaseOrderThresholdCents: cents, updatedBy: accountId, updatedAt: new Date() },
    });
}

export async function findReminderDays(tx: Tx, communeId: string): Promise<number | null> {
  const rows = await tx.db.select().from(setting).where(eq(setting.communeId, communeId));
  return rows[0]?.reminderAfterDays ?? null;
}

export async function saveReminderDays(
  tx: Tx,
  communeId: string,
  days: number,
  defaultThresholdCents: number,
  accountId: string,
): Promise<void> {
  await tx.db
    .insert(setting)
    .values({
      communeId,
      purchaseOrderThresholdCents: defaultThresholdCents,
      reminderAfterDays: days,
      updatedBy: accountId,
    })
    .onConflictDoUpdate({
      target: setting.communeId,
      set: { reminderAfterDays: days, updatedBy: accountId, updatedAt: new Date() },
    });
}

export async function listCircuitTemplates(tx: Tx, communeId: string) {
  return tx.db.select().from(circuit).where(eq(circuit.communeId, communeId));
}

export async function saveCircuitTemplate(
  tx: Tx,
  communeId: string,
  values: { documentType: DocumentType; name: string; steps: StepTemplate[]; accountId: string | null },
): Promise<void> {
  await tx.db
    .insert(circuit)
    .values({
      id: uuidv7(),
      communeId,
      documentType: values.documentType,
      name: values.name,
      steps: values.steps,
      updatedBy: values.accountId,
    })
    .onConflictDoUpdate({
      target: [circuit.communeId, circuit.documentType],
      set: { name: values.name, steps: values.steps, updatedBy: values.accountId, updatedAt: new Date() },
    });
}

export async function deleteCircuitTemplate(tx: Tx, communeId: string, documentType: DocumentType): Promise<void> {
  await tx.db.delete(circuit).where(and(eq(circuit.communeId, communeId), eq(circuit.documentType, documentType)));
}

// — Functions —

export function listFunctionHolders(tx: Tx, communeId: string): Promise<FunctionHolder[]> {
  return tx.db
    .select()
    .from(functionHolder)
    .where(eq(functionHolder.communeId, communeId))
    .orderBy(asc(functionHolder.createdAt));
}

/** Gives a function (of a service, for chef_service) to one person, replacing whoever held it. */
export async function replaceFunctionHolder(
  tx: Tx,
  communeId: string,
  functionKey: FunctionKey,
  serviceId: string | null,
  accountId: string | null,
): Promise<void> {
  await tx.db
    .delete(functionHolder)
    .where(
      and(
        eq(functionHolder.communeId, communeId),
        eq(functionHolder.functionKey, functionKey),
        serviceId ? eq(functionHolder.serviceId, serviceId) : isNull(functionHolder.serviceId),
      ),
    );
  if (accountId) {
    await tx.db.insert(functionHolder).values({ id: uuidv7(), communeId, functionKey, serviceId, accountId });
  }
}

// — Folders —

export async function insertFolder(tx: Tx, values: Omit<typeof folder.$inferInsert, 'id'>): Promise<Folder> {
  const rows = await tx.db
    .insert(folder)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function findFolder(tx: Tx, communeId: string, id: string, lock = false): Promise<Folder | undefined> {
  const query = tx.db
    .select()
    .from(folder)
    .where(and(eq(folder.communeId, communeId), eq(folder.id, id)));
  const rows = lock ? await query.for('update') : await query;
  return rows[0];
}

export async function updateFolder(
  tx: Tx,
  communeId: string,
  id: string,
  values: Partial<Pick<Folder, 'status' | 'currentStep' | 'closedAt'>>,
): Promise<void> {
  await tx.db
    .update(folder)
    .set(values)
    .where(and(eq(folder.communeId, communeId), eq(folder.id, id)));
}

export async function insertDocument(
  tx: Tx,
  values: Omit<typeof document.$inferInsert, 'id'>,
): Promise<FolderDocument> {
  const rows = await tx.db
    .insert(document)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export function listDocuments(tx: Tx, communeId: string, folderId: string): Promise<FolderDocument[]> {
  return tx.db
    .select()
    .from(document)
    .where(and(eq(document.communeId, communeId), eq(document.folderId, folderId)))
    .orderBy(asc(document.position));
}

export async function setDocumentVersion(tx: Tx, communeId: string, documentId: string, sha256: string, size: number) {
  await tx.db
    .update(document)
    .set({ currentSha256: sha256, sizeBytes: size })
    .where(and(eq(document.communeId, communeId), eq(document.id, documentId)));
}

// — Steps —

export async function insertSteps(tx: Tx, communeId: string, folderId: string, steps: StepTemplate[]): Promise<void> {
  await tx.db.insert(step).values(
    steps.map((s, position) => ({
      id: uuidv7(),
      communeId,
      folderId,
      position,
      kind: s.kind,
      mode: s.mode,
      actors: s.actors,
      assignees: [],
      status: 'a_venir' as const,
    })),
  );
}

export function listSteps(tx: Tx, communeId: string, folderId: string): Promise<Step[]> {
  return tx.db
    .select()
    .from(step)
    .where(and(eq(step.communeId, communeId), eq(step.folderId, folderId)))
    .orderBy(asc(step.position));
}

export async function updateStep(
  tx: Tx,
  communeId: string,
  id: string,
  values: Partial<Pick<Step, 'status' | 'assignees' | 'startedAt' | 'completedAt'>>,
): Promise<void> {
  await tx.db
    .update(step)
    .set(values)
    .where(and(eq(step.communeId, communeId), eq(step.id, id)));
}

// — Actions (history) —

export async function insertAction(tx: Tx, values: Omit<typeof action.$inferInsert, 'id'>): Promise<Action> {
  const rows = await tx.db
    .insert(action)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export function listActions(tx: Tx, communeId: string, folderId: string): Promise<Action[]> {
  return tx.db
    .select()
    .from(action)
    .where(and(eq(action.communeId, communeId), eq(action.folderId, folderId)))
    .orderBy(asc(action.occurredAt), asc(action.id));
}

export async function withdrawActions(tx: Tx, communeId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.db
    .update(action)
    .set({ withdrawnAt: new Date() })
    .where(and(eq(action.communeId, communeId), inArray(action.id, [...ids])));
}

// — Queues and lists —

export interface QueueRow {
  folder: Folder;
  step: Step;
  /** The assignees the person may act for (themselves, or delegators). */
  forAccounts: string[];
}

/**
 * Folders whose current step waits for one of `accountIds` (the person and those who delegated
 * to them) and on which that person has not acted yet.
 */
export async function listWaitingFor(tx: Tx, communeId: string, accountIds: readonly string[]): Promise<QueueRow[]> {
  if (accountIds.length === 0) return [];
  const rows = await tx.db
    .select({ folder, step })
    .from(step)
    .innerJoin(folder, and(eq(folder.communeId, step.communeId), eq(folder.id, step.folderId)))
    .where(
      and(
        eq(step.communeId, communeId),
        eq(step.status, 'en_cours'),
        eq(folder.status, 'en_cours'),
        sql`${step.assignees} && ARRAY[${sql.join(
          accountIds.map((id) => sql`${id}`),
          sql`, `,
        )}]::uuid[]`,
      ),
    )
    .orderBy(asc(folder.dueOn), asc(folder.createdAt));
  const acted = await tx.db
    .select({ stepId: action.stepId, onBehalfOf: action.onBehalfOf, accountId: action.accountId })
    .from(action)
    .where(
      and(
        eq(action.communeId, communeId),
        isNull(action.withdrawnAt),
        inArray(action.kind, ['visa', 'signature']),
        rows.length
          ? inArray(
              action.stepId,
              rows.map((r) => r.step.id),
            )
          : sql`false`,
      ),
    );
  return rows
    .map((r) => {
      const done = new Set(acted.filter((a) => a.stepId === r.step.id).map((a) => a.onBehalfOf ?? a.accountId ?? ''));
      return { ...r, forAccounts: r.step.assignees.filter((a) => accountIds.includes(a) && !done.has(a)) };
    })
    .filter((r) => r.forAccounts.length > 0);
}

export function listFolders(tx: Tx, communeId: string, filter: { createdBy?: string; limit?: number } = {}) {
  return tx.db
    .select()
    .from(folder)
    .where(and(eq(folder.communeId, communeId), filter.createdBy ? eq(folder.createdBy, filter.createdBy) : undefined))
    .orderBy(desc(folder.createdAt))
    .limit(filter.limit ?? 200);
}

// — Delegations —

export function listDelegations(tx: Tx, communeId: string): Promise<Delegation[]> {
  return tx.db
    .select()
    .from(delegation)
    .where(and(eq(delegation.communeId, communeId), isNull(delegation.revokedAt)))
    .orderBy(desc(delegation.startsOn));
}

export async function insertDelegation(
  tx: Tx,
  values: Omit<typeof delegation.$inferInsert, 'id'>,
): Promise<Delegation> {
  const rows = await tx.db
    .insert(delegation)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

export async function findDelegation(tx: Tx, communeId: string, id: string): Promise<Delegation | undefined> {
  const rows = await tx.db
    .select()
    .from(delegation)
    .where(and(eq(delegation.communeId, communeId), eq(delegation.id, id)));
  return rows[0];
}

export async function revokeDelegation(tx: Tx, communeId: string, id: string): Promise<void> {
  await tx.db
    .update(delegation)
    .set({ revokedAt: new Date() })
    .where(and(eq(delegation.communeId, communeId), eq(delegation.id, id)));
}

// — Certificates —

export async function findLiveCertificate(
  tx: Tx,
  communeId: string,
  kind: 'ca' | 'signer' | 'imported',
  accountId?: string,
) {
  const rows = await tx.db
    .select()
    .from(certificate)
    .where(
      and(
        eq(certificate.communeId, communeId),
        eq(certificate.kind, kind),
        isNull(certificate.revokedAt),
        accountId ? eq(certificate.accountId, accountId) : isNull(certificate.accountId),
        sql`${certificate.notAfter} > now()`,
      ),
    )
    .orderBy(desc(certificate.createdAt))
    .limit(1);
  return rows[0];
}

export async function insertCertificate(tx: Tx, values: Omit<typeof certificate.$inferInsert, 'id'>) {
  const rows = await tx.db
    .insert(certificate)
    .values({ id: uuidv7(), ...values })
    .returning();
  return rows[0]!;
}

/** Every certificate the commune's authority holds or issued (live, expired or revoked), without keys. */
export function listCertificates(tx: Tx, communeId: string) {
  return tx.db
    .select({
      kind: certificate.kind,
      accountId: certificate.accountId,
      certificatePem: certificate.certificatePem,
      serialHex: certificate.serialHex,
      notAfter: certificate.notAfter,
      revokedAt: certificate.revokedAt,
    })
    .from(certificate)
    .where(eq(certificate.communeId, communeId))
    .orderBy(asc(certificate.createdAt));
}

/** Ends the person's imported certificates (their signatures go back to the commune's authority). */
export async function revokeImportedCertificates(tx: Tx, communeId: string, accountId: string): Promise<number> {
  const rows = await tx.db
    .update(certificate)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(certificate.communeId, communeId),
        eq(certificate.kind, 'imported'),
        eq(certificate.accountId, accountId),
        isNull(certificate.revokedAt),
      ),
    )
    .returning({ id: certificate.id });
  return rows.length;
}
