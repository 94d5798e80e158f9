/**
 * The waiting list's clock: offers past their deadline expire and the place goes to the next
 * family in line. Run by a scheduled job for every commune (and callable with a given `now`).
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { expiredOffers, findActivity, findEnrolment, setEnrolmentStatus } from '../repo.js';
import { type FamilyDeps, promoteWaitingFamilies } from './common.js';

export async function expireOffers(database: Database, deps: FamilyDeps, commune: Commune): Promise<number> {
  const now = deps.now?.() ?? new Date();
  return withTenant(database, commune.id, async (tx) => {
    let expired = 0;
    for (const offer of await expiredOffers(tx, commune.id, now)) {
      const activity = (await findActivity(tx, commune.id, offer.activityId))!;
      const current = await findEnrolment(tx, commune.id, offer.id);
      if (current?.status !== 'place_proposee' || !current.offeredUntil || current.offeredUntil >= now) continue;
      await setEnrolmentStatus(tx, commune.id, offer.id, 'expiree');
      await recordAudit(tx, {
        action: 'family.offer_expired',
        actorType: 'system',
        targetType: 'family_enrolment',
        targetId: offer.id,
        data: { activity: activity.name },
      });
      await promoteWaitingFamilies(tx, deps, { commune, actor: null }, activity);
      expired += 1;
    }
    return expired;
  });
}
