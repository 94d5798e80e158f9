/**
 * Legal rules of the conseil municipal (Code général des collectivités territoriales), pure and
 * without storage: seats, convocation delay, quorum per item, proxies, votes.
 */

import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { clearDaysBetween, latestSendDate } from '../../platform/time/clear-days.js';

/** CGCT L2121-2: lower bound of each population range and the number of council members. */
const SEATS: ReadonlyArray<readonly [number, number]> = [
  [300_000, 69],
  [250_000, 65],
  [200_000, 61],
  [150_000, 59],
  [100_000, 55],
  [80_000, 53],
  [60_000, 49],
  [50_000, 45],
  [40_000, 43],
  [30_000, 39],
  [20_000, 35],
  [10_000, 33],
  [5_000, 29],
  [3_500, 27],
  [2_500, 23],
  [1_500, 19],
  [500, 15],
  [100, 11],
  [0, 7],
];

/** Number of council members for a population municipale (CGCT L2121-2; Paris, Lyon, Marseille excepted). */
export function legalSeats(population: number): number {
  if (!Number.isInteger(population) || population < 0) throw new Error('Population invalide');
  for (const [from, seats] of SEATS) if (population >= from) return seats;
  return 7;
}

export type SeanceType = 'ordinaire' | 'urgence';

/**
 * Clear days required between sending the convocation and the séance: 3 under 3 500 inhabitants
 * (CGCT L2121-11), 5 from 3 500 (CGCT L2121-12); in urgency, 1 clear day at least (both articles).
 */
export function convocationClearDays(population: number, type: SeanceType): number {
  if (type === 'urgence') return 1;
  return population >= 3_500 ? 5 : 3;
}

/** The latest Paris date to send the convocation for a séance on `seanceDate`. */
export function latestConvocationDate(seanceDate: string, population: number, type: SeanceType): string {
  return latestSendDate(seanceDate, convocationClearDays(population, type));
}

/** Whether a convocation sent at `sentAt` still meets the legal delay of the séance. */
export function convocationInTime(sentAt: Date, seanceDate: string, population: number, type: SeanceType): boolean {
  return clearDaysBetween(parisDateOf(sentAt), seanceDate) >= convocationClearDays(population, type);
}

/** Minimum interval between a séance without quorum and the second convocation (CGCT L2121-17 al. 2). */
export const SECOND_CONVOCATION_MIN_DAYS = 3;

/** Whether a second séance is at least 3 days after the first one that lacked quorum (L2121-17). */
export function secondConvocationAllowed(firstSeanceDate: string, secondSeanceDate: string): boolean {
  return clearDaysBetween(firstSeanceDate, secondSeanceDate) + 1 >= SECOND_CONVOCATION_MIN_DAYS;
}

export interface QuorumInput {
  /** Members in office (membres en exercice), not the table value. */
  membersInOffice: number;
  /** Ids of members physically present at the opening of the item. */
  present: readonly string[];
  /** Ids of councillors intéressés on the item (L2131-11): excluded from the count for this item. */
  interested?: readonly string[];
  /** Second convocation after a séance without quorum: no quorum condition (L2121-17 al. 2). */
  secondConvocation?: boolean;
}

export interface QuorumResult {
  reached: boolean;
  required: number;
  counted: number;
}

/**
 * Quorum of an item (CGCT L2121-17): more than half of the members in office physically present.
 * Proxies do not count; interested councillors present are not counted for the item.
 */
export function quorum(input: QuorumInput): QuorumResult {
  const interested = new Set(input.interested ?? []);
  const present = new Set(input.present);
  const counted = [...present].filter((id) => !interested.has(id)).length;
  // The base stays the members in office (the text says « majorité de ses membres en exercice »):
  // the cautious reading, under which an item is never deliberated on a doubtful quorum.
  const required = Math.floor(input.membersInOffice / 2) + 1;
  if (input.secondConvocation) return { reached: true, required: 0, counted };
  return { reached: counted >= required, required, counted };
}

export interface ProxyGrant {
  giverId: string;
  holderId: string;
  /** Written proxy (L2121-20 al. 1): an oral one is refused. */
  written: boolean;
  /** A given séance, or a limited duration (Paris dates, inclusive). */
  seanceId?: string;
  validFrom?: string;
  validTo?: string;
  revoked?: boolean;
}

export type ProxyRefusal =
  | 'not_written'
  | 'self'
  | 'no_scope'
  | 'giver_present'
  | 'holder_absent'
  | 'holder_already_holds'
  | 'giver_already_gave'
  | 'too_many_seances';

/** French messages of proxy refusals. */
export const PROXY_REFUSALS: Record<ProxyRefusal, string> = {
  not_written: 'Le pouvoir doit être écrit (article L2121-20 du CGCT).',
  self: 'Un membre ne peut pas se donner pouvoir à lui-même.',
  no_scope: 'Le pouvoir doit désigner une séance ou une durée limitée.',
  giver_present: 'Le mandant est présent : son pouvoir ne peut pas être utilisé.',
  holder_absent: 'Le mandataire doit être présent à la séance.',
  holder_already_holds: 'Un membre ne peut être porteur que d’un seul pouvoir (article L2121-20 du CGCT).',
  giver_already_gave: 'Ce membre a déjà donné pouvoir pour cette séance.',
  too_many_seances:
    'Un même pouvoir ne peut valoir pour plus de trois séances consécutives, sauf maladie dûment constatée (article L2121-20 du CGCT).',
};

/** CGCT L2121-20 al. 1: a proxy is valid for three consecutive séances at most, unless illness is certified. */
export const PROXY_MAX_CONSECUTIVE_SEANCES = 3;

/** Whether a proxy meant for `seanceCount` consecutive séances may be accepted (L2121-20 al. 1). */
export function checkProxySpan(seanceCount: number, illnessCertified: boolean): ProxyRefusal | null {
  if (!Number.isInteger(seanceCount) || seanceCount < 1) return 'no_scope';
  if (seanceCount > PROXY_MAX_CONSECUTIVE_SEANCES && !illnessCertified) return 'too_many_seances';
  return null;
}

/**
 * The séances a proxy covers: `count` consecutive séances from the first one, in the order of the
 * commune's séances (cancelled ones left out by the caller).
 */
export function coveredSeances(firstId: string, count: number, orderedIds: readonly string[]): string[] {
  const start = orderedIds.indexOf(firstId);
  return start < 0 ? [] : orderedIds.slice(start, start + count);
}

/** An arrival or a departure during a séance, taking effect from the item at `position` on. */
export interface Movement {
  memberId: string;
  kind: 'arrivee' | 'depart';
  position: number;
}

/**
 * Who is physically present when the item at `position` is opened (CGCT L2121-17 is checked per
 * item): those present at the opening of the séance, then each arrival or departure recorded
 * before that item, in order (a departure at item 3 means absent from item 3 on).
 */
export function presentAtItem(opening: readonly string[], movements: readonly Movement[], position: number): string[] {
  const present = new Set(opening);
  const ordered = movements.map((m, i) => ({ m, i })).sort((a, b) => a.m.position - b.m.position || a.i - b.i);
  for (const { m } of ordered) {
    if (m.position > position) break;
    if (m.kind === 'arrivee') present.add(m.memberId);
    else present.delete(m.memberId);
  }
  return [...present];
}

/**
 * The proxies that vote on an item (CGCT L2121-20): the holder is present, the giver is not, and
 * neither is intéressé on the item (L2131-11). Proxies never count for the quorum.
 */
export function usableProxies<P extends { giverId: string; holderId: string }>(
  proxies: readonly P[],
  present: readonly string[],
  interested: readonly string[] = [],
): P[] {
  const here = new Set(present);
  const out = new Set(interested);
  return proxies.filter(
    (p) => here.has(p.holderId) && !here.has(p.giverId) && !out.has(p.giverId) && !out.has(p.holderId),
  );
}

/** Whether a proxy covers a séance (by id, or by its date within the duration). */
export function proxyCovers(proxy: ProxyGrant, seance: { id: string; date: string }): boolean {
  if (proxy.revoked) return false;
  if (proxy.seanceId) return proxy.seanceId === seance.id;
  if (proxy.validFrom && proxy.validTo) return proxy.validFrom <= seance.date && seance.date <= proxy.validTo;
  return false;
}

/**
 * Checks a new proxy for a séance against those already accepted (CGCT L2121-20 al. 1): written,
 * scoped, the giver absent, the holder present, one proxy held per member at most.
 */
export function checkProxy(
  proxy: ProxyGrant,
  context: { seance: { id: string; date: string }; present: readonly string[]; accepted: readonly ProxyGrant[] },
): ProxyRefusal | null {
  if (!proxy.written) return 'not_written';
  if (proxy.giverId === proxy.holderId) return 'self';
  if (!proxy.seanceId && !(proxy.validFrom && proxy.validTo && proxy.validFrom <= proxy.validTo)) return 'no_scope';
  if (context.present.includes(proxy.giverId)) return 'giver_present';
  if (!context.present.includes(proxy.holderId)) return 'holder_absent';
  const active = context.accepted.filter((p) => proxyCovers(p, context.seance));
  if (active.some((p) => p.giverId === proxy.giverId)) return 'giver_already_gave';
  if (active.some((p) => p.holderId === proxy.holderId)) return 'holder_already_holds';
  return null;
}

export interface VoteCount {
  pour: number;
  contre: number;
  /** Abstentions, blank and void ballots: not suffrages exprimés. */
  abstentions?: number;
  blancs?: number;
}

export type Ballot = 'public' | 'secret';

export interface VoteResult {
  adopted: boolean;
  exprimes: number;
  tie: boolean;
  /** The président's voice decided a tie (public ballot only). */
  presidentDecided: boolean;
}

/**
 * Result of a vote (CGCT L2121-20 al. 2): majority of suffrages exprimés, abstentions and blank
 * ballots not counted; on a tie the président's voice prevails, except in a secret ballot where a
 * tie rejects. Nobody for nor against: not adopted.
 */
export function voteResult(count: VoteCount, ballot: Ballot, presidentVote?: 'pour' | 'contre' | null): VoteResult {
  for (const n of [count.pour, count.contre, count.abstentions ?? 0, count.blancs ?? 0]) {
    if (!Number.isInteger(n) || n < 0) throw new Error('Décompte invalide');
  }
  const exprimes = count.pour + count.contre;
  const tie = count.pour === count.contre && exprimes > 0;
  if (tie) {
    const decided = ballot === 'public' && (presidentVote === 'pour' || presidentVote === 'contre');
    return { adopted: decided && presidentVote === 'pour', exprimes, tie, presidentDecided: decided };
  }
  return { adopted: count.pour > count.contre, exprimes, tie: false, presidentDecided: false };
}

/**
 * Whether the vote is secret (CGCT L2121-21): on the demand of a third of the members present, or
 * for a nomination (unless the council unanimously decided otherwise).
 */
export function secretBallotRequired(input: {
  present: number;
  requesters: number;
  nomination?: boolean;
  unanimousWaiver?: boolean;
}): boolean {
  if (input.nomination && !input.unanimousWaiver) return true;
  return input.present > 0 && input.requesters * 3 >= input.present;
}

/** Whether a recorded public ballot is due (CGCT L2121-21): on the demand of a quarter of the members present. */
export function publicBallotRequired(input: { present: number; requesters: number }): boolean {
  return input.present > 0 && input.requesters * 4 >= input.present;
}

/** A candidate to a nomination or an election (maire, adjoint, a seat in a commission or a body). */
export interface NominationCandidate {
  id: string;
  /** Paris date of birth (ISO): on a tie at the third round the eldest is elected (L2122-7). */
  birthDate: string;
}

export interface NominationRoundInput {
  /** 1, 2 or 3. */
  round: number;
  /** Voices per candidate id. */
  votes: Readonly<Record<string, number>>;
  /** Blank ballots and void ballots: counted apart, never suffrages exprimés (Code électoral L65-L66). */
  blancs: number;
  nuls: number;
}

export type NominationOutcome =
  /** Elected: at the absolute majority (rounds 1 and 2), the relative one (round 3), or the eldest on a round-3 tie. */
  | {
      kind: 'elected';
      candidateId: string;
      by: 'absolute' | 'relative' | 'age';
      exprimes: number;
      absoluteMajority: number;
    }
  /** Nobody reached the absolute majority at round 1 or 2: another round follows. */
  | { kind: 'next_round'; exprimes: number; absoluteMajority: number }
  /** Round 3 without a voice cast for anyone, or tied candidates born the same day: the law is silent. */
  | { kind: 'undecided'; reason: 'no_votes' | 'same_age'; exprimes: number; absoluteMajority: number };

/** Highest number of rounds of a nomination (CGCT L2122-7, L2121-21). */
export const NOMINATION_ROUNDS = 3;

/**
 * One round of a nomination or election by secret ballot (CGCT L2122-7 for the maire and the
 * adjoints, L2121-21 al. 4 for the council's nominations): elected at rounds 1 and 2 on the
 * absolute majority of suffrages exprimés (more than half: exactly half is not enough), at round
 * 3 on the relative majority; a tie at round 3 elects the eldest candidate. Blank and void
 * ballots are not suffrages exprimés.
 */
export function nominationRound(
  candidates: readonly NominationCandidate[],
  input: NominationRoundInput,
): NominationOutcome {
  if (!Number.isInteger(input.round) || input.round < 1 || input.round > NOMINATION_ROUNDS)
    throw new Error('Tour de scrutin invalide');
  const known = new Set(candidates.map((c) => c.id));
  for (const id of Object.keys(input.votes)) if (!known.has(id)) throw new Error('Candidat inconnu');
  const counts = candidates.map((c) => ({ c, n: input.votes[c.id] ?? 0 }));
  for (const n of [...counts.map((x) => x.n), input.blancs, input.nuls]) {
    if (!Number.isInteger(n) || n < 0) throw new Error('Décompte invalide');
  }
  const exprimes = counts.reduce((sum, x) => sum + x.n, 0);
  const absoluteMajority = Math.floor(exprimes / 2) + 1;
  const best = Math.max(0, ...counts.map((x) => x.n));
  const leaders = counts.filter((x) => x.n === best && best > 0).map((x) => x.c);
  if (input.round < NOMINATION_ROUNDS) {
    const winner = leaders.length === 1 && best >= absoluteMajority ? leaders[0] : undefined;
    return winner
      ? { kind: 'elected', candidateId: winner.id, by: 'absolute', exprimes, absoluteMajority }
      : { kind: 'next_round', exprimes, absoluteMajority };
  }
  if (leaders.length === 0) return { kind: 'undecided', reason: 'no_votes', exprimes, absoluteMajority };
  if (leaders.length === 1) {
    const by = best >= absoluteMajority ? 'absolute' : 'relative';
    return { kind: 'elected', candidateId: leaders[0]!.id, by, exprimes, absoluteMajority };
  }
  const eldest = [...leaders].sort((a, b) => a.birthDate.localeCompare(b.birthDate));
  if (eldest[0]!.birthDate === eldest[1]!.birthDate)
    return { kind: 'undecided', reason: 'same_age', exprimes, absoluteMajority };
  return { kind: 'elected', candidateId: eldest[0]!.id, by: 'age', exprimes, absoluteMajority };
}

/**
 * CGCT L2121-15 (since 1 July 2022): the procès-verbal is arrêté at the start of the **next**
 * séance — one held after it (a later date, or the same day at a later hour) — and published
 * electronically within the week that follows that séance.
 */
export function minutesAdoptableAt(
  seance: { seanceDate: string; seanceTime: string },
  later: { seanceDate: string; seanceTime: string },
): boolean {
  return `${later.seanceDate}T${later.seanceTime}` > `${seance.seanceDate}T${seance.seanceTime}`;
}

/** The last Paris day the procès-verbal may be put online: the week after the séance that arrêta it (L2121-15). */
export function minutesPublicationDeadline(adoptedAtSeanceDate: string): string {
  return addCalendarDays(adoptedAtSeanceDate, 7);
}
