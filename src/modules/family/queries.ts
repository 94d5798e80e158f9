/**
 * Read models of the family portal: the commune's activities with the grid in force on a date,
 * and the price of each for a simulation (the same pricing functions as billing).
 */
import type { Tx } from '../../platform/db/tenant.js';
import { gridsInForce, listActivities, listGrids } from './repo.js';
import type { ActivityRow, TariffGridRow } from './schema.js';
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
