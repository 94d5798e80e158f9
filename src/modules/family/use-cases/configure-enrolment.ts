/**
 * An administrator opens or closes enrolment on an activity, sets its capacity (empty: no limit)
 * and the days a family has to confirm a freed place. A larger capacity offers the new places to
 * the families in line at once.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { canManageTariffs } from '../policy.js';
import { findActivity, updateActivitySettings } from '../repo.js';
import { type FamilyCaller, type FamilyDeps, promoteWaitingFamilies } from './common.js';
import { ACTIVITY_NOT_FOUND } from './save-tariff-grid.js';

export const enrolmentSettingsSchema = z.object({
  ouverte: z.string().transform((v) => v === 'oui'),
  capacite: z
    .string()
    .trim()
    .refine((v) => v === '' || /^\d{1,6}$/.test(v), {
      message: 'Saisissez le nombre de places en chiffres, ou laissez vide pour ne pas limiter.',
    })
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((v) => v === null || v <= 100_000, { message: 'Saisissez 100 000 places au plus.' }),
  delai: z
    .string()
    .trim()
    .refine((v) => /^\d{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 30, {
      message: 'Saisissez un délai de 1 à 30 jours pour confirmer une place libérée.',
    })
    .transform(Number),
});

export type EnrolmentSettingsInput = Record<keyof z.input<typeof enrolmentSettingsSchema>, string>;

export async function configureEnrolment(
  database: Database,
  deps: FamilyDeps,
  caller: FamilyCaller,
  activityId: string,
  input: EnrolmentSettingsInput,
): Promise<void> {
  if (!canManageTariffs(caller.actor)) throw ACTIVITY_NOT_FOUND();
  const parsed = enrolmentSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    throw new AppError('family.settings_invalid', 'invalid enrolment settings', 422, { fields });
  }
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const activity = await findActivity(tx, communeId, activityId);
    if (!activity) throw ACTIVITY_NOT_FOUND();
    const values = {
      openForEnrolment: parsed.data.ouverte,
      capacity: parsed.data.capacite,
      offerDays: parsed.data.delai,
    };
    await updateActivitySettings(tx, communeId, activity.id, values);
    await recordAudit(tx, {
      action: 'family.enrolment_settings_changed',
      actorType: 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'family_activity',
      targetId: activity.id,
      data: values,
      requestId: caller.httpRequestId ?? null,
    });
    await promoteWaitingFamilies(tx, deps, caller, { ...activity, ...values });
  });
}
