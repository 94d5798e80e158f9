/**
 * Read models of the family portal: the commune's activities with the grid in force on a date,
 * and the price of each for a simulation (the same pricing functions as billing).
 */
import type { Tx } from '../../platform/db/tenant.js';
import {
  bookingsOfDay,
  gridsInForce,
  listActivities,
  listEnrolmentsOfAccount,
  listEnrolmentsOfActivity,
  listGrids,
} from './repo.js';
import type { ActivityRow, EnrolmentRow, TariffGridRow } from './schema.js';
import { type Price, priceFor } from './tariffs/pricing.js';
import type { Simulation } from './tariffs/simulation.js';

export interface ActivityTariff {
  activity: ActivityRow;
  grid: TariffGridRow | null;
}

export async function tariffsInForce(tx: Tx, communeId: string, date: string): Promise<ActivityTariff[]> {
  const [activities, grids] = await Promise.all([listActivities(tx, communeId), gridsInForce(tx, communeId, date)]);
  return activities.map((activity) => ({ activity, grid: grids.find((g) => g.activityId === activity.id) ?? null }));
}

export async function activitiesWithGrids(
  tx: Tx,
  communeId: string,
): Promise<Array<{ activity: ActivityRow; grids: TariffGridRow[] }>> {
  const [activities, grids] = await Promise.all([listActivities(tx, communeId), listGrids(tx, communeId)]);
  return activities.map((activity) => ({ activity, grids: grids.filter((g) => g.activityId === activity.id) }));
}

export interface SimulatedPrice {
  activity: ActivityRow;
  grid: TariffGridRow;
  first: Price;
  /** The price for the second child and the next ones, when the grid reduces it. */
  next: Price | null;
}

/** Prices of every activity with a grid in force, for the simulated household. */
export function simulatePrices(tariffs: readonly ActivityTariff[], simulation: Simulation): SimulatedPrice[] {
  return tariffs.flatMap(({ activity, grid }) => {
    if (!grid) return [];
    const input = { qf: simulation.qf, resident: simulation.resident };
    const first = priceFor(grid.rules, { ...input, childRank: 1 });
    const next = grid.rules.siblingReductionPercent > 0 ? priceFor(grid.rules, { ...input, childRank: 2 }) : null;
    return [{ activity, grid, first, next }];
  });
}

export interface EnrolmentView {
  enrolment: EnrolmentRow;
  activityName: string;
  /** Position in the waiting list (1 = next), for a child waiting. */
  rank: number | null;
}

/** Ranks in the waiting list of an activity's enrolments (requested order). */
function waitingRanks(enrolments: readonly EnrolmentRow[]): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const e of enrolments) if (e.status === 'en_attente') ranks.set(e.id, ranks.size + 1);
  return ranks;
}

export interface OpenActivity {
  activity: ActivityRow;
  /** Null when places are not limited. */
  placesLeft: number | null;
}

/** What a family's page shows: the activities open for enrolment, and its enrolments. */
export async function familySpace(
  tx: Tx,
  communeId: string,
  accountId: string,
): Promise<{ activities: OpenActivity[]; enrolments: EnrolmentView[] }> {
  const activities = (await listActivities(tx, communeId)).filter((a) => a.openForEnrolment);
  const mine = await listEnrolmentsOfAccount(tx, communeId, accountId);
  const all = await Promise.all(
    [...new Set([...activities.map((a) => a.id), ...mine.map((e) => e.activityId)])].map(
      async (id) => [id, await listEnrolmentsOfActivity(tx, communeId, id)] as const,
    ),
  );
  const byActivity = new Map(all);
  const names = new Map((await listActivities(tx, communeId)).map((a) => [a.id, a.name]));
  return {
    activities: activities.map((activity) => {
      const taken = (byActivity.get(activity.id) ?? []).filter(
        (e) => e.status === 'inscrit' || e.status === 'place_proposee',
      ).length;
      return { activity, placesLeft: activity.capacity === null ? null : Math.max(0, activity.capacity - taken) };
    }),
    enrolments: mine.map((enrolment) => ({
      enrolment,
      activityName: names.get(enrolment.activityId) ?? '',
      rank: waitingRanks(byActivity.get(enrolment.activityId) ?? []).get(enrolment.id) ?? null,
    })),
  };
}

/** An activity's enrolments for its administrators: enrolled, on offer, waiting (in order). */
export async function activityEnrolments(tx: Tx, communeId: string, activityId: string): Promise<EnrolmentView[]> {
  const enrolments = await listEnrolmentsOfActivity(tx, communeId, activityId);
  const ranks = waitingRanks(enrolments);
  return enrolments.map((enrolment) => ({ enrolment, activityName: '', rank: ranks.get(enrolment.id) ?? null }));
}

/** Children booked on a day across the commune's activities (null when it has no activity). */
export async function bookedChildrenOn(tx: Tx, communeId: string, day: string): Promise<number | null> {
  const activities = await listActivities(tx, communeId);
  if (activities.length === 0) return null;
  let n = 0;
  for (const a of activities) n += (await bookingsOfDay(tx, communeId, a.id, day)).filter((b) => b.booked).length;
  return n;
}
