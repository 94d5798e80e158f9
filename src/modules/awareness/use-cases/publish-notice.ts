/** The administrator publishes the staff information notice (journaled). */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { staffNoticeText } from '../notice.js';
import { upsertNotice } from '../repo.js';

export async function publishNotice(
  tx: Tx,
  commune: { id: string; name: string },
  actor: Actor,
  requestId: string,
): Promise<void> {
  const body = staffNoticeText(commune.name);
  await upsertNotice(tx, commune.id, body, actor.accountId);
  await recordAudit(tx, {
    action: 'awareness.notice_published',
    actorType: 'agent',
    actorId: actor.accountId,
    targetType: 'awareness_notice',
    targetId: commune.id,
    data: {},
    requestId,
  });
}
