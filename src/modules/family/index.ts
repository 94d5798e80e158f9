/**
 * Front door of the family portal: what other modules (the demo today) may ask of it.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { insertActivity, insertGrid, listActivities } from './repo.js';
import { gridProblems, type TariffRules } from './tariffs/pricing.js';

export type { Bracket, TariffRules } from './tariffs/pricing.js';

export interface SeedActivity {
  slug: string;
  name: string;
  unit: string;
  grid: { validFrom: string; rules: TariffRules; source: string };
}

/** Creates activities with their first grid (checked like an administrator's) in the caller's transaction. */
export async function seedFamilyTariffs(tx: Tx, communeId: string, activities: readonly SeedActivity[]): Promise<void> {
  let position = (await listActivities(tx, communeId)).length;
  for (const a of activities) {
    const problems = gridProblems(a.grid.rules);
    if (Object.keys(problems).length > 0)
      throw new Error(`invalid grid for ${a.slug}: ${Object.values(problems).join(' ')}`);
    const activity = await insertActivity(tx, {
      communeId,
      slug: a.slug,
      name: a.name,
      unit: a.unit,
      position: position++,
    });
    await insertGrid(tx, { communeId, activityId: activity.id, createdBy: null, ...a.grid });
  }
}
