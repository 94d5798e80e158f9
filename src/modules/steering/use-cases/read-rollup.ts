/**
 * The operator's roll-up: the KPIs of every commune of the instance over a period, for the whole
 * commune (aggregates only). Each commune is its own tenant transaction; a few run at once, so a
 * server's pool serves 50 communes in a fraction of the sequential time (on the embedded
 * database's single connection they simply queue, one after the other).
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { IndicatorQuery } from '../../../platform/module.js';

/** Communes computed at once: well under the server pool's 10 connections, leaving room for pages. */
export const ROLLUP_PARALLEL = 4;

export interface RollupLine {
  id: string;
  name: string;
  values: Map<string, number | null>;
}

export async function readRollup(
  ctx: Pick<AppContext, 'database' | 'communes' | 'contributions'>,
  query: Pick<IndicatorQuery, 'from' | 'to'>,
  parallel = ROLLUP_PARALLEL,
): Promise<RollupLine[]> {
  const communes = (await ctx.communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  const lines: RollupLine[] = new Array(communes.length);
  let next = 0;
  const worker = async () => {
    while (next < communes.length) {
      const i = next++;
      const commune = communes[i]!;
      const values = await withTenant(ctx.database, commune.id, (tx) =>
        ctx.contributions.indicatorsOf(tx, commune.id, { ...query, serviceId: null }),
      );
      lines[i] = { id: commune.id, name: commune.name, values };
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, communes.length) }, worker));
  return lines;
}
