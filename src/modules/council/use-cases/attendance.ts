/**
 * Attendance and proxies of a séance (CGCT L2121-17, L2121-20): the élus' replies to the
 * convocation (présent, absent, pouvoir), the roll call at the opening, arrivals and departures
 * per item, proxies given by an élu in the app or recorded by the secretariat, revocable, valid
 * for three consecutive séances at most unless illness is certified, refused with the reason.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { canManageCouncil, canReadCouncil } from '../policy.js';
import {
  deleteReplies,
  findItem,
  findMemberByAccount,
  findProxy,
  findSeance,
  insertMovement,
  insertProxy,
  listAttendance,
  listItems,
  listLiveProxies,
  listMembers,
  listMovements,
  listReplies,
  listSeances,
  replaceAttendance,
  revokeProxyRow,
  upsertReply,
} from '../repo.js';
import {
  checkProxy,
  checkProxySpan,
  coveredSeances,
  type Movement,
  PROXY_REFUSALS,
  type ProxyGrant,
  presentAtItem,
} from '../rules.js';
import type { ItemRow, MemberRow, MovementRow, ProxyRow, ReplyAnswer, ReplyRow, SeanceRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

/** Everything the in-session screen and the vote need about one séance. */
export interface SeanceState {
  seance: SeanceRow;
  members: MemberRow[];
  items: ItemRow[];
  replies: ReplyRow[];
  /** Live proxies covering this séance. */
  proxies: ProxyRow[];
  /** Present at the opening (roll call); null before it. */
  opening: string[] | null;
  movements: MovementRow[];
}

/** Ids of the commune's séances in date order, cancelled ones left out (for proxy coverage). */
async function seanceOrder(tx: Tx, communeId: string): Promise<string[]> {
  return (await listSeances(tx, communeId)).filter((s) => s.status !== 'annulee').map((s) => s.id);
}

/** The live proxies covering a séance. */
export async function proxiesCovering(tx: Tx, communeId: string, seanceId: string): Promise<ProxyRow[]> {
  const order = await seanceOrder(tx, communeId);
  return (await listLiveProxies(tx, communeId)).filter((p) =>
    coveredSeances(p.seanceId, p.seanceCount, order).includes(seanceId),
  );
}

export async function loadSeanceState(tx: Tx, communeId: string, seanceId: string): Promise<SeanceState | null> {
  const seance = await findSeance(tx, communeId, seanceId);
  if (!seance) return null;
  const attendance = await listAttendance(tx, communeId, seanceId);
  return {
    seance,
    members: await listMembers(tx, communeId),
    items: await listItems(tx, communeId, seanceId),
    replies: await listReplies(tx, communeId, seanceId),
    proxies: await proxiesCovering(tx, communeId, seanceId),
    opening: attendance.length ? attendance.filter((a) => a.present).map((a) => a.memberId) : null,
    movements: await listMovements(tx, communeId, seanceId),
  };
}

/** Who is present when an item is opened: the roll call, then arrivals and departures before it. */
export function presentFor(state: SeanceState, item: ItemRow): string[] {
  const positions = new Map(state.items.map((i) => [i.id, i.position]));
  const moves: Movement[] = state.movements.map((m) => ({
    memberId: m.memberId,
    kind: m.kind,
    position: positions.get(m.itemId) ?? Number.MAX_SAFE_INTEGER,
  }));
  return presentAtItem(state.opening ?? [], moves, item.position);
}

/** The council member an élu's account is (null when the account is no member in office). */
async function memberOf(tx: Tx, communeId: string, actor: Actor): Promise<MemberRow | undefined> {
  return findMemberByAccount(tx, communeId, actor.accountId);
}

/**
 * Resolves who a reply or a proxy is for: an élu acts for themself only; the secretariat for any
 * member in office (paper proxies, replies by phone).
 */
async function actingMember(
  tx: Tx,
  caller: CouncilCaller & { actor: Actor },
  members: MemberRow[],
  memberId: string | undefined,
): Promise<MemberRow> {
  const communeId = caller.commune.id;
  if (canManageCouncil(caller.actor) && memberId) {
    const member = members.find((m) => m.id === memberId);
    if (!member) throw refuse('council.unknown_member', 'memberId', 'Choisissez l’élu parmi les membres en exercice.');
    return member;
  }
  const self = await memberOf(tx, communeId, caller.actor);
  if (!self) throw notFound('council.not_member', 'the account is no member in office');
  return self;
}

function openSeance(seance: SeanceRow | undefined): SeanceRow {
  if (!seance) throw notFound('council.seance_not_found');
  if (seance.status === 'annulee') throw refuse('council.seance_cancelled', 'form', 'Cette séance a été annulée.');
  return seance;
}

const replySchema = z.object({
  answer: z.enum(['present', 'absent'], { message: 'Indiquez si vous serez présent ou absent.' }),
  memberId: z.union([z.literal(''), z.uuid()]),
});

/** An élu (or the secretariat for them) answers the convocation: present or absent. */
export async function replyToConvocation(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: Partial<Record<'answer' | 'memberId', string>>,
  now = new Date(),
): Promise<ReplyAnswer> {
  const actor = caller.actor;
  if (!canReadCouncil(actor)) throw notFound('council.forbidden');
  const v = parseOrRefuse(replySchema, { memberId: '', ...input }, 'council.reply_invalid');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = openSeance(await findSeance(tx, communeId, seanceId, true));
    if (seance.status === 'tenue')
      throw refuse('council.seance_held', 'answer', 'La séance a eu lieu : la réponse ne peut plus être changée.');
    const members = await listMembers(tx, communeId);
    const member = await actingMember(tx, { ...caller, actor }, members, v.memberId || undefined);
    const given = (await proxiesCovering(tx, communeId, seanceId)).find((p) => p.giverId === member.id);
    if (given)
      throw refuse(
        'council.proxy_given',
        'answer',
        'Un pouvoir est donné pour cette séance : retirez-le d’abord pour répondre autrement.',
      );
    await upsertReply(
      tx,
      { communeId, seanceId, memberId: member.id, answer: v.answer, recordedBy: actor.accountId },
      now,
    );
    await recordAudit(tx, {
      action: 'council.reply_recorded',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { memberId: member.id, answer: v.answer },
      requestId: caller.httpRequestId ?? null,
    });
    return v.answer;
  });
}

const proxySchema = z.object({
  holderId: z.uuid({ message: 'Choisissez le collègue qui votera pour vous.' }),
  memberId: z.union([z.literal(''), z.uuid()]),
  seanceCount: z.coerce
    .number({ message: 'Indiquez pour combien de séances vaut le pouvoir.' })
    .int('Indiquez un nombre entier de séances.')
    .min(1, 'Le pouvoir vaut au moins pour une séance.')
    .max(12, 'Le pouvoir ne peut pas valoir pour plus de 12 séances.'),
  illness: z.enum(['', 'oui']),
});

/**
 * Gives a proxy (CGCT L2121-20 al. 1): from the élu in the app (a written, signed-in act), or
 * recorded by the secretariat from the paper one. Refused with the reason otherwise.
 */
export async function giveProxy(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: Partial<Record<'holderId' | 'memberId' | 'seanceCount' | 'illness', string>>,
  now = new Date(),
): Promise<ProxyRow> {
  const actor = caller.actor;
  if (!canReadCouncil(actor)) throw notFound('council.forbidden');
  const v = parseOrRefuse(
    proxySchema,
    { memberId: '', seanceCount: '1', illness: '', holderId: '', ...input },
    'council.proxy_invalid',
  );
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = openSeance(await findSeance(tx, communeId, seanceId, true));
    if (seance.status === 'tenue')
      throw refuse('council.seance_held', 'holderId', 'La séance a eu lieu : un pouvoir ne peut plus être donné.');
    const members = await listMembers(tx, communeId);
    const giver = await actingMember(tx, { ...caller, actor }, members, v.memberId || undefined);
    const holder = members.find((m) => m.id === v.holderId);
    if (!holder)
      throw refuse('council.unknown_member', 'holderId', 'Choisissez le collègue parmi les membres en exercice.');
    const illness = v.illness === 'oui';
    const span = checkProxySpan(v.seanceCount, illness);
    if (span) throw refuse('council.proxy_refused', 'seanceCount', PROXY_REFUSALS[span]);
    const order = await seanceOrder(tx, communeId);
    const covered = coveredSeances(seanceId, v.seanceCount, order);
    const live = await listLiveProxies(tx, communeId);
    for (const covers of covered) {
      const replies = await listReplies(tx, communeId, covers);
      const away = new Set(replies.filter((r) => r.answer !== 'present').map((r) => r.memberId));
      // Before the séance, « present » means: not announced absent (the giver is, by giving).
      const present = members.map((m) => m.id).filter((id) => id !== giver.id && !away.has(id));
      const accepted: ProxyGrant[] = live
        .filter((p) => coveredSeances(p.seanceId, p.seanceCount, order).includes(covers))
        .map((p) => ({ giverId: p.giverId, holderId: p.holderId, written: true, seanceId: covers }));
      const refusal = checkProxy(
        { giverId: giver.id, holderId: holder.id, written: true, seanceId: covers },
        { seance: { id: covers, date: '' }, present, accepted },
      );
      if (refusal) throw refuse('council.proxy_refused', 'holderId', PROXY_REFUSALS[refusal]);
    }
    const proxy = await insertProxy(tx, {
      communeId,
      seanceId,
      giverId: giver.id,
      holderId: holder.id,
      seanceCount: v.seanceCount,
      illnessCertified: illness,
      recordedBy: actor.accountId,
    });
    for (const covers of covered)
      await upsertReply(
        tx,
        { communeId, seanceId: covers, memberId: giver.id, answer: 'pouvoir', recordedBy: actor.accountId },
        now,
      );
    await recordAudit(tx, {
      action: 'council.proxy_given',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_proxy',
      targetId: proxy.id,
      data: { seanceId, giverId: giver.id, holderId: holder.id, seanceCount: v.seanceCount, illness },
      requestId: caller.httpRequestId ?? null,
    });
    return proxy;
  });
}

/** Revokes a proxy (its giver, or the secretariat): the giver's replies covered by it are cleared. */
export async function revokeProxy(database: Database, caller: CouncilCaller, proxyId: string, now = new Date()) {
  const actor = caller.actor;
  if (!canReadCouncil(actor)) throw notFound('council.forbidden');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const proxy = await findProxy(tx, communeId, proxyId);
    if (!proxy || proxy.revokedAt) throw notFound('council.proxy_not_found');
    if (!canManageCouncil(actor)) {
      const self = await memberOf(tx, communeId, actor);
      if (!self || self.id !== proxy.giverId) throw notFound('council.proxy_not_found');
    }
    await revokeProxyRow(tx, communeId, proxyId, now);
    const held = new Set((await listSeances(tx, communeId)).filter((s) => s.status === 'tenue').map((s) => s.id));
    const covered = coveredSeances(proxy.seanceId, proxy.seanceCount, await seanceOrder(tx, communeId));
    await deleteReplies(
      tx,
      communeId,
      covered.filter((id) => !held.has(id)),
      proxy.giverId,
    );
    await recordAudit(tx, {
      action: 'council.proxy_revoked',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_proxy',
      targetId: proxyId,
      data: { seanceId: proxy.seanceId, giverId: proxy.giverId },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

function idList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
  return list.filter((v): v is string => typeof v === 'string');
}

/** The roll call at the opening of the séance: who is physically present (the others are absent). */
export async function recordRollCall(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: { present?: unknown },
): Promise<{ present: number; absent: number }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = openSeance(await findSeance(tx, communeId, seanceId, true));
    if (seance.status === 'preparation')
      throw refuse('council.not_convened', 'present', 'Cette séance n’a pas été convoquée.');
    const members = await listMembers(tx, communeId);
    const chosen = new Set(idList(input.present));
    if ([...chosen].some((id) => !members.some((m) => m.id === id)))
      throw refuse('council.unknown_member', 'present', 'Choisissez les élus parmi les membres en exercice.');
    await replaceAttendance(
      tx,
      communeId,
      seanceId,
      members.map((m) => ({ memberId: m.id, present: chosen.has(m.id) })),
    );
    await recordAudit(tx, {
      action: 'council.roll_call',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { present: [...chosen] },
      requestId: caller.httpRequestId ?? null,
    });
    return { present: chosen.size, absent: members.length - chosen.size };
  });
}

const movementSchema = z.object({
  memberId: z.uuid({ message: 'Choisissez l’élu.' }),
  itemId: z.uuid({ message: 'Choisissez le point à partir duquel le mouvement vaut.' }),
  kind: z.enum(['arrivee', 'depart'], { message: 'Indiquez s’il s’agit d’une arrivée ou d’un départ.' }),
});

/** An arrival or a departure, effective from the opening of an item that is not yet voted. */
export async function recordMovement(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: Partial<Record<'memberId' | 'itemId' | 'kind', string>>,
): Promise<void> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden');
  const v = parseOrRefuse(movementSchema, { memberId: '', itemId: '', kind: '', ...input }, 'council.movement_invalid');
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const state = await loadSeanceState(tx, communeId, seanceId);
    if (!state) throw notFound('council.seance_not_found');
    if (state.opening === null)
      throw refuse('council.no_roll_call', 'memberId', 'Faites d’abord l’appel des présents à l’ouverture.');
    const item = await findItem(tx, communeId, v.itemId);
    if (!item || item.seanceId !== seanceId)
      throw refuse('council.item_not_found', 'itemId', 'Choisissez un point de l’ordre du jour de cette séance.');
    if (!state.members.some((m) => m.id === v.memberId))
      throw refuse('council.unknown_member', 'memberId', 'Choisissez l’élu parmi les membres en exercice.');
    const here = presentFor(state, item).includes(v.memberId);
    if (v.kind === 'arrivee' && here)
      throw refuse('council.already_present', 'memberId', 'Cet élu est déjà présent à l’ouverture de ce point.');
    if (v.kind === 'depart' && !here)
      throw refuse('council.already_absent', 'memberId', 'Cet élu n’est pas présent à l’ouverture de ce point.');
    await insertMovement(tx, {
      communeId,
      seanceId,
      memberId: v.memberId,
      itemId: v.itemId,
      kind: v.kind,
      recordedBy: actor.accountId,
    });
    await recordAudit(tx, {
      action: 'council.movement_recorded',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { memberId: v.memberId, itemId: v.itemId, kind: v.kind },
      requestId: caller.httpRequestId ?? null,
    });
  });
}
