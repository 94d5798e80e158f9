import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { auditActorType, communeOf, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { updateRequest } from '../repo.js';
import type { CitizenRequest } from '../schema.js';

/** Assigns a request to an agent (or unassigns it with null). */
export async function assignRequest(
  tx: Tx,
  input: { request: CitizenRequest; assigneeId: string | null; actor: RequestActor; httpRequestId?: string | null },
): Promise<CitizenRequest> {
  const communeId = communeOf(tx);
  if (input.request.assigneeId === input.assigneeId) return input.request;
  const updated = await updateRequest(tx, communeId, input.request.id, { assigneeId: input.assigneeId });
  await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'assigned',
    authorId: input.actor.accountId,
    authorRole: 'agent',
    isInternal: true,
    data: { from: input.request.assigneeId, to: input.assigneeId },
  });
  await recordAudit(tx, {
    action: 'request.assigned',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number, assignee: input.assigneeId },
    requestId: input.httpRequestId ?? null,
  });
  return updated;
}
