/**
 * Creates an activity of the family portal (« Restauration scolaire », priced per « repas »):
 * zod parse → policy → transaction → audit.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { canManageTariffs } from '../policy.js';
import { activitySlugTaken, insertActivity, listActivities } from '../repo.js';
import type { ActivityRow } from '../schema.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const text = (label: string, max: number, required: string) =>
  z
    .string()
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .superRefine((v, ctx) => {
      if (v === '') ctx.addIssue({ code: 'custom', message: required });
      else if (v.length > max)
        ctx.addIssue({ code: 'custom', message: `${label} ne doit pas dépasser ${max} caractères.` });
      else if (CONTROL.test(v))
        ctx.addIssue({ code: 'custom', message: `${label} contient des caractères non autorisés.` });
    });

export const activitySchema = z.object({
  name: text('Le nom de l’activité', 120, 'Saisissez le nom de l’activité, par exemple « Restauration scolaire ».'),
  unit: text('L’unité', 40, 'Saisissez ce que paie un prix, par exemple « repas » ou « séance ».'),
});

export type ActivityInput = Record<keyof z.input<typeof activitySchema>, string>;

/** « Accueil du mercredi » → « accueil-du-mercredi ». */
export function slugOf(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60)
      .replace(/-$/, '') || 'activite'
  );
}

export async function createActivity(
  database: Database,
  communeId: string,
  actor: Actor | null,
  input: ActivityInput,
  httpRequestId?: string,
): Promise<ActivityRow> {
  if (!canManageTariffs(actor)) throw notFound('family.forbidden', 'not a commune admin');
  const parsed = activitySchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    throw new AppError('family.activity_invalid', 'invalid activity', 422, { fields });
  }
  return withTenant(database, communeId, async (tx) => {
    const slug = slugOf(parsed.data.name);
    if (await activitySlugTaken(tx, communeId, slug)) {
      throw new AppError('family.activity_exists', 'activity exists', 422, {
        fields: { name: 'Une activité porte déjà ce nom : choisissez un autre nom.' },
      });
    }
    const position = (await listActivities(tx, communeId)).length;
    const activity = await insertActivity(tx, { communeId, slug, position, ...parsed.data });
    await recordAudit(tx, {
      action: 'family.activity_created',
      actorType: actor ? 'agent' : 'system',
      actorId: actor?.accountId ?? null,
      targetType: 'family_activity',
      targetId: activity.id,
      data: { name: activity.name, unit: activity.unit },
      requestId: httpRequestId ?? null,
    });
    return activity;
  });
}
