/** What the family portal's use cases share: the caller, and the waiting list's promotion. */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import type { JobQueue } from '../../../platform/jobs/queue.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { formatDateTime } from '../../../platform/views/format.js';
import { accountContact } from '../../identity/index.js';
import { FAMILY_MAILS } from '../mail-templates.js';
import { firstInLine, placesTaken, setEnrolmentStatus } from '../repo.js';
import type { ActivityRow } from '../schema.js';

export interface FamilyCaller {
  commune: Commune;
  actor: Actor | null;
  httpRequestId?: string;
}

export interface FamilyDeps {
  queue: JobQueue;
  publicUrl: string;
  now?: () => Date;
}

const DAY_MS = 86_400_000;

/**
 * Offers the activity's free places to the families in line, first come first served: each gets
 * `offer_days` to confirm, and a mail. Runs in the caller's transaction, the activity row locked.
 */
export async function promoteWaitingFamilies(
  tx: Tx,
  deps: FamilyDeps,
  caller: FamilyCaller,
  activity: ActivityRow,
): Promise<number> {
  if (activity.capacity === null) return 0;
  const communeId = caller.commune.id;
  let offered = 0;
  while ((await placesTaken(tx, communeId, activity.id)) < activity.capacity) {
    const next = await firstInLine(tx, communeId, activity.id);
    if (!next) break;
    const until = new Date((deps.now?.() ?? new Date()).getTime() + activity.offerDays * DAY_MS);
    await setEnrolmentStatus(tx, communeId, next.id, 'place_proposee', until);
    await recordAudit(tx, {
      action: 'family.place_offered',
      actorType: 'system',
      targetType: 'family_enrolment',
      targetId: next.id,
      data: { activity: activity.name, until: until.toISOString() },
      requestId: caller.httpRequestId ?? null,
    });
    const guardian = await accountContact(tx, next.accountId);
    if (guardian) {
      await queueMail(tx, deps.queue, {
        to: guardian.email,
        template: FAMILY_MAILS.placeOffered,
        variables: {
          communeName: caller.commune.name,
          childName: next.childName,
          activityName: activity.name,
          deadline: formatDateTime(until),
          link: `${deps.publicUrl}/c/${caller.commune.slug}/famille`,
        },
      });
    }
    offered += 1;
  }
  return offered;
}
