/** The council's queries (tenant transactions only: RLS applies on top of the filters). */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type AnnotationRow,
  type CandidateRow,
  type ConvocationRow,
  councilAnnotation,
  councilAttendance,
  councilCandidate,
  councilConvocation,
  councilItem,
  councilMember,
  councilMovement,
  councilNominationRound,
  councilProxy,
  councilReply,
  councilSeance,
  councilSetting,
  councilVote,
  type ItemRow,
  type MemberRow,
  type MovementRow,
  type NominationRoundRow,
  type ProxyRow,
  type ReplyRow,
  type SeanceRow,
  type VoteRow,
} from './schema.js';

export function listMembers(tx: Tx, communeId: string): Promise<MemberRow[]> {
  return tx.db
    .select()
    .from(councilMember)
    .where(and(eq(councilMember.communeId, communeId), eq(councilMember.inOffice, true)))
    .orderBy(asc(councilMember.fullName));
}

export async function insertMember(tx: Tx, values: Omit<typeof councilMember.$inferInsert, 'id'>): Promise<MemberRow> {
  const [row] = await tx.db
    .insert(councilMember)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function insertSeance(tx: Tx, values: Omit<typeof councilSeance.$inferInsert, 'id'>): Promise<SeanceRow> {
  const [row] = await tx.db
    .insert(councilSeance)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

/** Ids come from URLs: anything but a uuid is no record (404), not a database error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findSeance(tx: Tx, communeId: string, id: string, lock = false): Promise<SeanceRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const query = tx.db
    .select()
    .from(councilSeance)
    .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export function listSeances(tx: Tx, communeId: string): Promise<SeanceRow[]> {
  return tx.db
    .select()
    .from(councilSeance)
    .where(eq(councilSeance.communeId, communeId))
    .orderBy(asc(councilSeance.seanceDate));
}

export async function setSeanceStatus(tx: Tx, communeId: string, id: string, status: SeanceRow['status']) {
  await tx.db
    .update(councilSeance)
    .set({ status })
    .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, id)));
}

export function listItems(tx: Tx, communeId: string, seanceId: string): Promise<ItemRow[]> {
  return tx.db
    .select()
    .from(councilItem)
    .where(and(eq(councilItem.communeId, communeId), eq(councilItem.seanceId, seanceId)))
    .orderBy(asc(councilItem.position));
}

export async function insertItem(tx: Tx, values: Omit<typeof councilItem.$inferInsert, 'id'>): Promise<ItemRow> {
  const [row] = await tx.db
    .insert(councilItem)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export function listConvocations(tx: Tx, communeId: string, seanceId: string): Promise<ConvocationRow[]> {
  return tx.db
    .select()
    .from(councilConvocation)
    .where(and(eq(councilConvocation.communeId, communeId), eq(councilConvocation.seanceId, seanceId)));
}

export async function insertConvocation(
  tx: Tx,
  values: Omit<typeof councilConvocation.$inferInsert, 'id'>,
): Promise<void> {
  await tx.db
    .insert(councilConvocation)
    .values({ id: uuidv7(), ...values })
    .onConflictDoNothing();
}

/** The population municipale of the commune (instance-level record), for the legal delay. */
export async function communePopulation(tx: Tx, communeId: string): Promise<number | null> {
  const { rows } = await tx.client.query<{ population: number | null }>(
    'SELECT population FROM commune WHERE id = $1',
    [communeId],
  );
  return rows[0]?.population ?? null;
}

export async function findMemberByAccount(
  tx: Tx,
  communeId: string,
  accountId: string,
): Promise<MemberRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(councilMember)
    .where(
      and(
        eq(councilMember.communeId, communeId),
        eq(councilMember.accountId, accountId),
        eq(councilMember.inOffice, true),
      ),
    );
  return row;
}

export async function findItem(tx: Tx, communeId: string, id: string): Promise<ItemRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await tx.db
    .select()
    .from(councilItem)
    .where(and(eq(councilItem.communeId, communeId), eq(councilItem.id, id)));
  return row;
}

export function listReplies(tx: Tx, communeId: string, seanceId: string): Promise<ReplyRow[]> {
  return tx.db
    .select()
    .from(councilReply)
    .where(and(eq(councilReply.communeId, communeId), eq(councilReply.seanceId, seanceId)));
}

export async function upsertReply(
  tx: Tx,
  values: {
    communeId: string;
    seanceId: string;
    memberId: string;
    answer: ReplyRow['answer'];
    recordedBy: string | null;
  },
  now: Date,
): Promise<void> {
  await tx.db
    .insert(councilReply)
    .values({ ...values, repliedAt: now })
    .onConflictDoUpdate({
      target: [councilReply.communeId, councilReply.seanceId, councilReply.memberId],
      set: { answer: values.answer, repliedAt: now, recordedBy: values.recordedBy },
    });
}

export async function deleteReplies(tx: Tx, communeId: string, seanceIds: string[], memberId: string): Promise<void> {
  if (seanceIds.length === 0) return;
  await tx.db
    .delete(councilReply)
    .where(
      and(
        eq(councilReply.communeId, communeId),
        inArray(councilReply.seanceId, seanceIds),
        eq(councilReply.memberId, memberId),
      ),
    );
}

/** Live (not revoked) proxies of the commune: few rows, filtered by coverage in the use cases. */
export function listLiveProxies(tx: Tx, communeId: string): Promise<ProxyRow[]> {
  return tx.db
    .select()
    .from(councilProxy)
    .where(and(eq(councilProxy.communeId, communeId), isNull(councilProxy.revokedAt)));
}

export async function findProxy(tx: Tx, communeId: string, id: string): Promise<ProxyRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await tx.db
    .select()
    .from(councilProxy)
    .where(and(eq(councilProxy.communeId, communeId), eq(councilProxy.id, id)));
  return row;
}

export async function insertProxy(tx: Tx, values: Omit<typeof councilProxy.$inferInsert, 'id'>): Promise<ProxyRow> {
  const [row] = await tx.db
    .insert(councilProxy)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function revokeProxyRow(tx: Tx, communeId: string, id: string, now: Date): Promise<void> {
  await tx.db
    .update(councilProxy)
    .set({ revokedAt: now })
    .where(and(eq(councilProxy.communeId, communeId), eq(councilProxy.id, id)));
}

export function listAttendance(tx: Tx, communeId: string, seanceId: string) {
  return tx.db
    .select()
    .from(councilAttendance)
    .where(and(eq(councilAttendance.communeId, communeId), eq(councilAttendance.seanceId, seanceId)));
}

export async function replaceAttendance(
  tx: Tx,
  communeId: string,
  seanceId: string,
  rows: Array<{ memberId: string; present: boolean }>,
): Promise<void> {
  await tx.db
    .delete(councilAttendance)
    .where(and(eq(councilAttendance.communeId, communeId), eq(councilAttendance.seanceId, seanceId)));
  if (rows.length) await tx.db.insert(councilAttendance).values(rows.map((r) => ({ communeId, seanceId, ...r })));
}

export function listMovements(tx: Tx, communeId: string, seanceId: string): Promise<MovementRow[]> {
  return tx.db
    .select()
    .from(councilMovement)
    .where(and(eq(councilMovement.communeId, communeId), eq(councilMovement.seanceId, seanceId)))
    .orderBy(asc(councilMovement.recordedAt), asc(councilMovement.id));
}

export async function insertMovement(tx: Tx, values: Omit<typeof councilMovement.$inferInsert, 'id'>): Promise<void> {
  await tx.db.insert(councilMovement).values({ id: uuidv7(), ...values });
}

export function listVotes(tx: Tx, communeId: string, itemIds: string[]): Promise<VoteRow[]> {
  if (itemIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(councilVote)
    .where(and(eq(councilVote.communeId, communeId), inArray(councilVote.itemId, itemIds)));
}

export async function findSetting(tx: Tx, communeId: string) {
  const [row] = await tx.db.select().from(councilSetting).where(eq(councilSetting.communeId, communeId));
  return row;
}

export async function saveSiret(tx: Tx, communeId: string, siret: string | null, by: string | null): Promise<void> {
  await tx.db
    .insert(councilSetting)
    .values({ communeId, siret, updatedBy: by })
    .onConflictDoUpdate({ target: councilSetting.communeId, set: { siret, updatedBy: by, updatedAt: new Date() } });
}

export async function saveActesSettings(
  tx: Tx,
  communeId: string,
  v: {
    departement: string;
    arrondissement: string;
    siren: string;
    nature: string;
    classificationDate: string;
    returnEmail: string;
  },
  by: string | null,
): Promise<void> {
  const set = {
    actesDepartement: v.departement,
    actesArrondissement: v.arrondissement,
    actesSiren: v.siren,
    actesNature: v.nature,
    actesClassificationDate: v.classificationDate,
    actesReturnEmail: v.returnEmail,
    updatedBy: by,
  };
  await tx.db
    .insert(councilSetting)
    .values({ communeId, ...set })
    .onConflictDoUpdate({ target: councilSetting.communeId, set: { ...set, updatedAt: new Date() } });
}

export async function setItemMatiere(tx: Tx, communeId: string, itemId: string, code: string): Promise<void> {
  await tx.db
    .update(councilItem)
    .set({ matiereCode: code })
    .where(and(eq(councilItem.communeId, communeId), eq(councilItem.id, itemId)));
}

export function listCandidates(tx: Tx, communeId: string, itemIds: string[]): Promise<CandidateRow[]> {
  if (itemIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(councilCandidate)
    .where(and(eq(councilCandidate.communeId, communeId), inArray(councilCandidate.itemId, itemIds)))
    .orderBy(asc(councilCandidate.createdAt), asc(councilCandidate.id));
}

export async function insertCandidate(
  tx: Tx,
  values: Omit<typeof councilCandidate.$inferInsert, 'id'>,
): Promise<CandidateRow | undefined> {
  const [row] = await tx.db
    .insert(councilCandidate)
    .values({ id: uuidv7(), ...values })
    .onConflictDoNothing()
    .returning();
  return row;
}

export function listRounds(tx: Tx, communeId: string, itemIds: string[]): Promise<NominationRoundRow[]> {
  if (itemIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(councilNominationRound)
    .where(and(eq(councilNominationRound.communeId, communeId), inArray(councilNominationRound.itemId, itemIds)))
    .orderBy(asc(councilNominationRound.round));
}

export async function insertRound(tx: Tx, values: Omit<typeof councilNominationRound.$inferInsert, 'id'>) {
  await tx.db.insert(councilNominationRound).values({ id: uuidv7(), ...values });
}

/** Sets the token of a convocation's link (its SHA-256 only). */
export async function setConvocationToken(
  tx: Tx,
  communeId: string,
  seanceId: string,
  memberId: string,
  tokenHash: string,
): Promise<void> {
  await tx.db
    .update(councilConvocation)
    .set({ openTokenHash: tokenHash })
    .where(
      and(
        eq(councilConvocation.communeId, communeId),
        eq(councilConvocation.seanceId, seanceId),
        eq(councilConvocation.memberId, memberId),
      ),
    );
}

export async function findConvocationByToken(
  tx: Tx,
  communeId: string,
  tokenHash: string,
): Promise<ConvocationRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(councilConvocation)
    .where(and(eq(councilConvocation.communeId, communeId), eq(councilConvocation.openTokenHash, tokenHash)));
  return row;
}

/** Records the first opening of a convocation; a later one changes nothing (returns false). */
export async function markConvocationOpened(
  tx: Tx,
  communeId: string,
  where: { id: string } | { seanceId: string; memberId: string },
  at: Date,
  via: 'lien' | 'espace',
): Promise<boolean> {
  const target =
    'id' in where
      ? eq(councilConvocation.id, where.id)
      : and(eq(councilConvocation.seanceId, where.seanceId), eq(councilConvocation.memberId, where.memberId));
  const rows = await tx.db
    .update(councilConvocation)
    .set({ firstOpenedAt: at, firstOpenedVia: via })
    .where(and(eq(councilConvocation.communeId, communeId), target, isNull(councilConvocation.firstOpenedAt)))
    .returning({ id: councilConvocation.id });
  return rows.length > 0;
}

/** The annotations of one account on the given items: nobody else's, ever. */
export function listAnnotations(
  tx: Tx,
  communeId: string,
  accountId: string,
  itemIds: string[],
): Promise<AnnotationRow[]> {
  if (itemIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select()
    .from(councilAnnotation)
    .where(
      and(
        eq(councilAnnotation.communeId, communeId),
        eq(councilAnnotation.accountId, accountId),
        inArray(councilAnnotation.itemId, itemIds),
      ),
    )
    .orderBy(asc(councilAnnotation.createdAt), asc(councilAnnotation.id));
}

export async function findAnnotation(
  tx: Tx,
  communeId: string,
  accountId: string,
  id: string,
): Promise<AnnotationRow | undefined> {
  const [row] = await tx.db
    .select()
    .from(councilAnnotation)
    .where(
      and(
        eq(councilAnnotation.communeId, communeId),
        eq(councilAnnotation.accountId, accountId),
        eq(councilAnnotation.id, id),
      ),
    );
  return row;
}

export async function insertAnnotation(
  tx: Tx,
  values: { communeId: string; accountId: string; itemId: string; body: string },
): Promise<AnnotationRow> {
  const [row] = await tx.db
    .insert(councilAnnotation)
    .values({ id: uuidv7(), ...values })
    .returning();
  return row!;
}

export async function updateAnnotation(
  tx: Tx,
  communeId: string,
  accountId: string,
  id: string,
  body: string,
): Promise<void> {
  await tx.db
    .update(councilAnnotation)
    .set({ body, updatedAt: sql`now()` })
    .where(
      and(
        eq(councilAnnotation.communeId, communeId),
        eq(councilAnnotation.accountId, accountId),
        eq(councilAnnotation.id, id),
      ),
    );
}

export async function deleteAnnotation(tx: Tx, communeId: string, accountId: string, id: string): Promise<void> {
  await tx.db
    .delete(councilAnnotation)
    .where(
      and(
        eq(councilAnnotation.communeId, communeId),
        eq(councilAnnotation.accountId, accountId),
        eq(councilAnnotation.id, id),
      ),
    );
}
