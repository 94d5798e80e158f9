/** The guardian confirms a place offered to their child, before the offer's deadline. */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { canAcceptPlace } from '../policy.js';
import { findActivity, findEnrolment, setEnrolmentStatus } from '../repo.js';
import { ENROLMENT_NOT_FOUND } from './cancel-enrolment.js';
import type { FamilyCaller, FamilyDeps } from './common.js';

export async function acceptPlace(
  database: Database,
  deps: Pick<FamilyDeps, 'now'>,
  caller: FamilyCaller,
  enrolmentId: string,
): Promise<void> {
  if (!isUuid(enrolmentId)) throw ENROLMENT_NOT_FOUND();
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const peek = await findEnrolment(tx, communeId, enrolmentId);
    if (!peek || !canAcceptPlace(caller.actor, peek)) throw ENROLMENT_NOT_FOUND();
    const activity = (await findActivity(tx, communeId, peek.activityId))!;
    const enrolment = (await findEnrolment(tx, communeId, enrolmentId))!;
    const now = deps.now?.() ?? new Date();
    if (enrolment.status !== 'place_proposee' || !enrolment.offeredUntil || enrolment.offeredUntil < now) {
      throw new AppError('family.no_offer', 'no live offer', 409, {
        userMessage:
          enrolment.status === 'inscrit'
            ? 'Cette place est déjà confirmée.'
            : 'Cette proposition de place n’est plus valable : le délai pour la confirmer est passé.',
      });
    }
    await setEnrolmentStatus(tx, communeId, enrolment.id, 'inscrit');
    await recordAudit(tx, {
      action: 'family.place_accepted',
      actorType: 'citizen',
      actorId: caller.actor!.accountId,
      targetType: 'family_enrolment',
      targetId: enrolment.id,
      data: { activity: activity.name },
      requestId: caller.httpRequestId ?? null,
    });
  });
}
