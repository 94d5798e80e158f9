/**
 * A guardian enrols a child of their household (from their profile: « dites-le-nous une fois »)
 * in an activity open for enrolment: enrolled while a place is free, else on the waiting list.
 * The activity row is locked for the count, so two families asking for the last place at the
 * same instant get one place and one waiting-list position, never two places.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { fieldErrorsOf } from '../../../platform/validation.js';
import { householdChildren } from '../../profile/index.js';
import { canEnrol } from '../policy.js';
import { findActivity, insertEnrolment, liveEnrolmentOf, placesTaken } from '../repo.js';
import type { EnrolmentRow } from '../schema.js';
import type { FamilyCaller } from './common.js';

export const enrolmentSchema = z.object({
  enfant: z.string().refine(isUuid, { message: 'Choisissez l’enfant à inscrire.' }),
  activite: z.string().refine(isUuid, { message: 'Choisissez l’activité.' }),
});

export type EnrolmentInput = Record<keyof z.input<typeof enrolmentSchema>, string>;

export async function enrolChild(
  database: Database,
  caller: FamilyCaller,
  input: EnrolmentInput,
): Promise<EnrolmentRow> {
  const actor = caller.actor;
  if (!canEnrol(actor)) throw notFound('family.forbidden', 'not signed in');
  const parsed = enrolmentSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    throw new AppError('family.enrolment_invalid', 'invalid enrolment', 422, { fields });
  }
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const child = (await householdChildren(tx, actor.accountId)).find((c) => c.id === parsed.data.enfant);
    if (!child) {
      throw new AppError('family.child_unknown', 'not a child of the household', 422, {
        fields: { enfant: 'Choisissez un enfant de votre foyer (ajoutez-le d’abord à votre profil).' },
      });
    }
    const activity = await findActivity(tx, communeId, parsed.data.activite); // FOR UPDATE
    if (!activity?.openForEnrolment) {
      throw new AppError('family.activity_closed', 'activity not open', 422, {
        fields: { activite: 'Les inscriptions à cette activité ne sont pas ouvertes.' },
      });
    }
    if (await liveEnrolmentOf(tx, communeId, activity.id, child.id)) {
      throw new AppError('family.already_enrolled', 'already enrolled', 409, {
        fields: { enfant: `${child.givenName} est déjà inscrit ou sur la liste d’attente de cette activité.` },
      });
    }
    const full = activity.capacity !== null && (await placesTaken(tx, communeId, activity.id)) >= activity.capacity;
    const enrolment = await insertEnrolment(tx, {
      communeId,
      activityId: activity.id,
      accountId: actor.accountId,
      childId: child.id,
      childName: `${child.givenName} ${child.familyName}`,
      childBirthDate: child.birthDate,
      status: full ? 'en_attente' : 'inscrit',
    });
    await recordAudit(tx, {
      action: full ? 'family.child_waitlisted' : 'family.child_enrolled',
      actorType: 'citizen',
      actorId: actor.accountId,
      targetType: 'family_enrolment',
      targetId: enrolment.id,
      data: { activity: activity.name },
      requestId: caller.httpRequestId ?? null,
    });
    return enrolment;
  });
}
