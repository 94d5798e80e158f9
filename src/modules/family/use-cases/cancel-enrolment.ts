/**
 * Cancels an enrolment (the guardian, or an administrator): a place it held goes at once to the
 * first family in line, which is offered it for the activity's delay.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canCancelEnrolment } from '../policy.js';
import { findActivity, findEnrolment, setEnrolmentStatus } from '../repo.js';
import { type FamilyCaller, type FamilyDeps, promoteWaitingFamilies } from './common.js';

export const ENROLMENT_NOT_FOUND = () => notFound('family.enrolment_not_found', 'no such enrolment');

export async function cancelEnrolment(
  database: Database,
  deps: FamilyDeps,
  caller: FamilyCaller,
  enrolmentId: string,
): Promise<void> {
  if (!isUuid(enrolmentId)) throw ENROLMENT_NOT_FOUND();
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const peek = await findEnrolment(tx, communeId, enrolmentId);
    if (!peek || !canCancelEnrolment(caller.actor, peek)) throw ENROLMENT_NOT_FOUND();
    // Lock order: the activity first, then the enrolment (as enrolChild and the promotion do).
    const activity = (await findActivity(tx, communeId, peek.activityId))!;
    const enrolment = (await findEnrolment(tx, communeId, enrolmentId))!;
    if (enrolment.status === 'annulee' || enrolment.status === 'expiree') {
      throw new AppError('family.already_cancelled', 'already cancelled', 409, {
        userMessage: 'Cette inscription est déjà annulée.',
      });
    }
    await setEnrolmentStatus(tx, communeId, enrolment.id, 'annulee');
    await recordAudit(tx, {
      action: 'family.enrolment_cancelled',
      actorType: caller.actor!.accountId === enrolment.accountId ? 'citizen' : 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'family_enrolment',
      targetId: enrolment.id,
      data: { activity: activity.name, was: enrolment.status },
      requestId: caller.httpRequestId ?? null,
    });
    await promoteWaitingFamilies(tx, deps, caller, activity);
  });
}
