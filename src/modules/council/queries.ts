/** Read models of the council's pages (tenant transactions; RLS applies on top of the filters). */
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { currentDeliberationPdf, findDeliberation } from './deliberation-file.js';
import { canReadCouncil } from './policy.js';
import {
  communePopulation,
  findMemberByAccount,
  findSeance,
  listAnnotations,
  listCandidates,
  listConvocations,
  listItems,
  listMembers,
  listRounds,
  listSeances,
  listVotes,
} from './repo.js';
import { latestConvocationDate } from './rules.js';
import type {
  AnnotationRow,
  CandidateRow,
  ConvocationRow,
  ItemRow,
  MemberRow,
  NominationRoundRow,
  ProxyRow,
  ReplyRow,
  SeanceRow,
  VoteRow,
} from './schema.js';
import { loadSeanceState, type SeanceState } from './use-cases/attendance.js';
import { openedInSpace } from './use-cases/convocation-opening.js';
import { adoptionCandidates } from './use-cases/minutes.js';

/** When the population is unknown, the longer delay applies (as in sendConvocations). */
const UNKNOWN_POPULATION = 3_500;

export interface SeanceSummary {
  seance: SeanceRow;
  items: number;
}

export async function seanceList(ctx: AppContext, communeId: string): Promise<SeanceSummary[]> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const seances = await listSeances(tx, communeId);
    const out: SeanceSummary[] = [];
    for (const seance of seances) out.push({ seance, items: (await listItems(tx, communeId, seance.id)).length });
    return out.reverse();
  });
}

export function memberList(ctx: AppContext, communeId: string): Promise<MemberRow[]> {
  return withTenant(ctx.database, communeId, (tx) => listMembers(tx, communeId));
}

export interface SeancePage extends SeanceState {
  population: number | null;
  latestSend: string;
  convocations: ConvocationRow[];
  votes: Map<string, VoteRow>;
  /** Nomination items: their candidates and rounds, by item id. */
  candidates: Map<string, CandidateRow[]>;
  rounds: Map<string, NominationRoundRow[]>;
  /** The procès-verbal: the later séances that may arrêter it, and the one that did. */
  minutesAdoptionSeances: SeanceRow[];
  minutesAdoptedAt: SeanceRow | undefined;
}

function byItem<T extends { itemId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) out.set(row.itemId, [...(out.get(row.itemId) ?? []), row]);
  return out;
}

export async function seancePage(ctx: AppContext, communeId: string, seanceId: string): Promise<SeancePage | null> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const state = await loadSeanceState(tx, communeId, seanceId);
    if (!state) return null;
    const population = await communePopulation(tx, communeId);
    const itemIds = state.items.map((i) => i.id);
    const votes = await listVotes(tx, communeId, itemIds);
    const seances = await listSeances(tx, communeId);
    return {
      ...state,
      population,
      latestSend: latestConvocationDate(state.seance.seanceDate, population ?? UNKNOWN_POPULATION, state.seance.kind),
      convocations: await listConvocations(tx, communeId, seanceId),
      votes: new Map(votes.map((v) => [v.itemId, v])),
      candidates: byItem(await listCandidates(tx, communeId, itemIds)),
      rounds: byItem(await listRounds(tx, communeId, itemIds)),
      minutesAdoptionSeances: adoptionCandidates(state.seance, seances),
      minutesAdoptedAt: seances.find((s) => s.id === state.seance.pvAdoptedSeanceId),
    };
  });
}

export interface EluSeance {
  seance: SeanceRow;
  items: ItemRow[];
  reply: ReplyRow | undefined;
  /** The proxy the élu gave for this séance, if any, and the one they hold. */
  given: ProxyRow | undefined;
  held: ProxyRow | undefined;
  /** The élu's own private notes, by item id (nobody else's). */
  notes: Map<string, AnnotationRow[]>;
}

export interface EluPage {
  member: MemberRow | undefined;
  colleagues: MemberRow[];
  upcoming: EluSeance[];
}

/** The élu's space: the séances convened from today on, with their agenda and the élu's answer. */
export async function eluPage(
  ctx: AppContext,
  communeId: string,
  accountId: string,
  now = new Date(),
): Promise<EluPage> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const member = await findMemberByAccount(tx, communeId, accountId);
    const members = await listMembers(tx, communeId);
    if (!member) return { member, colleagues: [], upcoming: [] };
    const today = parisDateOf(now);
    const seances = (await listSeances(tx, communeId)).filter((s) => s.status === 'convoquee' && s.seanceDate >= today);
    const upcoming: EluSeance[] = [];
    for (const seance of seances) {
      // Shown in the élu's space: the convocation is opened (once; later views change nothing).
      await openedInSpace(tx, communeId, seance.id, member.id, accountId, now);
      const state = await loadSeanceState(tx, communeId, seance.id);
      upcoming.push({
        seance,
        items: state?.items ?? [],
        reply: state?.replies.find((r) => r.memberId === member.id),
        given: state?.proxies.find((p) => p.giverId === member.id),
        held: state?.proxies.find((p) => p.holderId === member.id),
        notes: byItem(
          await listAnnotations(
            tx,
            communeId,
            accountId,
            (state?.items ?? []).map((i) => i.id),
          ),
        ),
      });
    }
    return { member, colleagues: members.filter((m) => m.id !== member.id), upcoming };
  });
}

/** The délibération of an item of the séance as the secretariat downloads it (signed once signed). */
export async function deliberationPdf(
  ctx: AppContext,
  commune: Commune,
  seanceId: string,
  itemId: string,
): Promise<{ number: string; content: Buffer } | null> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const d = await findDeliberation(tx, commune.id, itemId);
    if (!d || d.seance.id !== seanceId) return null;
    return {
      number: d.vote.deliberationNumber!,
      content: await currentDeliberationPdf(tx, commune.id, commune.name, d),
    };
  });
}

/** A convened séance and its agenda, for its calendar file (élus and the secretariat only). */
export async function seanceCalendar(
  ctx: AppContext,
  communeId: string,
  seanceId: string,
  actor: Actor | null,
): Promise<{ seance: SeanceRow; items: ItemRow[] } | null> {
  if (!canReadCouncil(actor)) return null;
  return withTenant(ctx.database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId);
    if (!seance || seance.status === 'preparation') return null;
    return { seance, items: await listItems(tx, communeId, seanceId) };
  });
}
