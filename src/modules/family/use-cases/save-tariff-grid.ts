/**
 * Records a new version of an activity's tariff grid (adopted by délibération): the form is read
 * and checked by the pure functions (brackets contiguous, prices ≤ cost per user, « cantine à
 * 1 € »), the version must start after the latest one, which it closes the day before; audit.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { addCalendarDays } from '../../../platform/time/calendar.js';
import { formatDate } from '../../../platform/views/format.js';
import { canManageTariffs } from '../policy.js';
import { closeGrid, findActivity, insertGrid, latestGrid } from '../repo.js';
import type { TariffGridRow } from '../schema.js';
import { type GridForm, parseGridForm } from '../tariffs/grid-form.js';

export const ACTIVITY_NOT_FOUND = () => notFound('family.activity_not_found', 'no such activity in this commune');

export async function saveTariffGrid(
  database: Database,
  communeId: string,
  actor: Actor | null,
  activityId: string,
  form: GridForm,
  httpRequestId?: string,
): Promise<TariffGridRow> {
  if (!canManageTariffs(actor)) throw ACTIVITY_NOT_FOUND();
  const parsed = parseGridForm(form);
  if (!parsed.ok) throw new AppError('family.grid_invalid', 'invalid tariff grid', 422, { fields: parsed.errors });
  const { rules, validFrom, source } = parsed.grid;
  return withTenant(database, communeId, async (tx) => {
    const activity = await findActivity(tx, communeId, activityId); // locks the activity: versions in order
    if (!activity) throw ACTIVITY_NOT_FOUND();
    const latest = await latestGrid(tx, communeId, activityId);
    if (latest && validFrom <= latest.validFrom) {
      throw new AppError('family.grid_not_after', 'grid starts before the latest one', 422, {
        fields: {
          validFrom: `La grille en vigueur depuis le ${formatDate(latest.validFrom)} ne peut pas être remplacée avant cette date : choisissez une date postérieure.`,
        },
      });
    }
    if (latest && (latest.validTo === null || latest.validTo >= validFrom)) {
      await closeGrid(tx, communeId, latest.id, addCalendarDays(validFrom, -1));
    }
    const grid = await insertGrid(tx, { communeId, activityId, validFrom, rules, source, createdBy: actor!.accountId });
    await recordAudit(tx, {
      action: 'family.tariff_grid_created',
      actorType: 'agent',
      actorId: actor!.accountId,
      targetType: 'family_tariff_grid',
      targetId: grid.id,
      data: { activity: activity.name, validFrom, source, model: rules.model.kind },
      requestId: httpRequestId ?? null,
    });
    return grid;
  });
}
