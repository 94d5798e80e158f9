/**
 * Nominations and elections (CGCT L2122-7 for the maire and the adjoints, L2121-21 for the
 * council's nominations): the secretariat declares the candidates of a nomination item with their
 * date of birth, then records each secret-ballot round's counts; `nominationRound` (rules.ts)
 * decides — absolute majority at rounds 1 and 2, relative at round 3, the eldest on a tie.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { canManageCouncil } from '../policy.js';
import {
  findItem,
  findSeance,
  insertCandidate,
  insertRound,
  listCandidates,
  listMembers,
  listRounds,
} from '../repo.js';
import { NOMINATION_ROUNDS, nominationRound, quorum, usableProxies } from '../rules.js';
import type { CandidateRow, ItemRow, NominationRoundRow, RoundOutcome } from '../schema.js';
import { loadSeanceState, presentFor } from './attendance.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

/** Whether a nomination's rounds are over: somebody elected, or the third round held. */
export function nominationClosed(rounds: readonly NominationRoundRow[]): boolean {
  const last = rounds.at(-1);
  return !!last && (last.electedCandidateId !== null || last.round >= NOMINATION_ROUNDS);
}

async function nominationItem(tx: Tx, caller: CouncilCaller, itemId: string): Promise<ItemRow> {
  const communeId = caller.commune.id;
  const item = await findItem(tx, communeId, itemId);
  if (!item) throw notFound('council.item_not_found');
  const seance = await findSeance(tx, communeId, item.seanceId, true);
  if (!seance || (seance.status !== 'convoquee' && seance.status !== 'tenue'))
    throw notFound('council.seance_not_found');
  if (!item.nomination)
    throw refuse('council.not_nomination', 'form', 'Ce point n’est pas une nomination : enregistrez son vote.');
  return item;
}

const candidateSchema = z.object({
  memberId: z.uuid({ message: 'Choisissez le candidat parmi les membres en exercice.' }),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez la date de naissance du candidat, par exemple 14 7 1962.'),
});

/** Declares a candidate (a member in office) with the date of birth the round-3 tie needs. */
export async function addCandidate(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  input: Partial<Record<'memberId' | 'birthDate', string>>,
  now = new Date(),
): Promise<CandidateRow> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(candidateSchema, { memberId: '', birthDate: '', ...input }, 'council.candidate_invalid');
  const born = new Date(`${v.birthDate}T12:00:00Z`);
  if (Number.isNaN(born.getTime()) || born.toISOString().slice(0, 10) !== v.birthDate || v.birthDate < '1900-01-01')
    throw refuse(
      'council.candidate_invalid',
      'birthDate',
      'Saisissez une date de naissance réelle, par exemple 14 7 1962.',
    );
  if (v.birthDate >= parisDateOf(now))
    throw refuse('council.candidate_invalid', 'birthDate', 'La date de naissance doit être dans le passé.');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const item = await nominationItem(tx, caller, itemId);
    if (nominationClosed(await listRounds(tx, communeId, [itemId])))
      throw refuse(
        'council.nomination_closed',
        'memberId',
        'Le scrutin est clos : aucun candidat ne peut plus s’ajouter.',
      );
    const member = (await listMembers(tx, communeId)).find((m) => m.id === v.memberId);
    if (!member)
      throw refuse('council.unknown_member', 'memberId', 'Choisissez le candidat parmi les membres en exercice.');
    const row = await insertCandidate(tx, {
      communeId,
      itemId: item.id,
      memberId: member.id,
      birthDate: v.birthDate,
      createdBy: actor.accountId,
    });
    if (!row) throw refuse('council.candidate_twice', 'memberId', `${member.fullName} est déjà candidat.`);
    await recordAudit(tx, {
      action: 'council.candidate_added',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: item.id,
      data: { memberId: member.id },
      requestId: caller.httpRequestId ?? null,
    });
    return row;
  });
}

const tally = (label: string) =>
  z.coerce
    .number({ message: `Saisissez le nombre ${label}.` })
    .int(`Le nombre ${label} est un nombre entier.`)
    .min(0, `Le nombre ${label} ne peut pas être négatif.`)
    .max(10_000, `Le nombre ${label} est trop grand.`);

const roundSchema = z.object({
  votes: z.record(z.string(), tally('de voix')),
  blancs: tally('de bulletins blancs'),
  nuls: tally('de bulletins nuls'),
});

export interface RoundResult {
  round: number;
  outcome: RoundOutcome;
  electedMemberId: string | null;
}

/**
 * Records the next round of a nomination (secret ballot): the quorum of the item is checked
 * (L2121-17), the ballots cannot outnumber the voters (present not intéressés and their
 * proxies), and the outcome is stored with the majority required and audited.
 */
export async function recordNominationRound(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  input: { votes?: Record<string, string | number>; blancs?: string | number; nuls?: string | number },
): Promise<RoundResult> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const item = await nominationItem(tx, caller, itemId);
    const candidates = await listCandidates(tx, communeId, [itemId]);
    if (candidates.length === 0) throw refuse('council.no_candidate', 'form', 'Déclarez d’abord au moins un candidat.');
    const raw = input.votes ?? {};
    const votesIn: Record<string, string | number> = {};
    for (const c of candidates) votesIn[c.id] = String(raw[c.id] ?? '').trim() || '0';
    const v = parseOrRefuse(
      roundSchema,
      {
        votes: votesIn,
        blancs: String(input.blancs ?? '').trim() || '0',
        nuls: String(input.nuls ?? '').trim() || '0',
      },
      'council.round_invalid',
    );
    const rounds = await listRounds(tx, communeId, [itemId]);
    if (nominationClosed(rounds)) throw refuse('council.nomination_closed', 'form', 'Le scrutin de ce point est clos.');
    const state = await loadSeanceState(tx, communeId, item.seanceId);
    if (!state?.opening)
      throw refuse('council.no_roll_call', 'form', 'Faites d’abord l’appel des présents à l’ouverture de la séance.');
    const present = presentFor(state, item);
    const q = quorum({
      membersInOffice: state.members.length,
      present,
      secondConvocation: state.seance.firstSeanceId !== null,
    });
    if (!q.reached)
      throw refuse(
        'council.no_quorum',
        'form',
        `Le quorum n’est pas atteint pour ce point : ${q.counted} élu${q.counted > 1 ? 's' : ''} présent${q.counted > 1 ? 's' : ''}, ${q.required} requis (article L2121-17 du CGCT).`,
      );
    const voters = present.length + usableProxies(state.proxies, present).length;
    const ballots = Object.values(v.votes).reduce((a, n) => a + n, 0) + v.blancs + v.nuls;
    if (ballots > voters)
      throw refuse(
        'council.count_mismatch',
        'blancs',
        `Le décompte (${ballots} bulletins) dépasse le nombre de votants : ${voters} (élus présents et pouvoirs).`,
      );
    const round = rounds.length + 1;
    const outcome = nominationRound(
      candidates.map((c) => ({ id: c.id, birthDate: c.birthDate })),
      { round, votes: v.votes, blancs: v.blancs, nuls: v.nuls },
    );
    const stored: RoundOutcome =
      outcome.kind === 'elected' ? outcome.by : outcome.kind === 'next_round' ? 'next_round' : outcome.reason;
    const elected = outcome.kind === 'elected' ? outcome.candidateId : null;
    await insertRound(tx, {
      communeId,
      itemId,
      round,
      votes: v.votes,
      blancs: v.blancs,
      nuls: v.nuls,
      voters,
      exprimes: outcome.exprimes,
      absoluteMajority: outcome.absoluteMajority,
      outcome: stored,
      electedCandidateId: elected,
      recordedBy: actor.accountId,
    });
    const electedMemberId = candidates.find((c) => c.id === elected)?.memberId ?? null;
    await recordAudit(tx, {
      action: 'council.nomination_round_recorded',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: itemId,
      data: {
        round,
        outcome: stored,
        electedMemberId,
        exprimes: outcome.exprimes,
        absoluteMajority: outcome.absoluteMajority,
        blancs: v.blancs,
        nuls: v.nuls,
      },
      requestId: caller.httpRequestId ?? null,
    });
    return { round, outcome: stored, electedMemberId };
  });
}
