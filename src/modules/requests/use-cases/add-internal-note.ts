import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { auditActorType, checkMessage, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';

/** An internal note, visible to agents only. */
export async function addInternalNote(
  tx: Tx,
  input: { request: CitizenRequest; actor: RequestActor; body: string; httpRequestId?: string | null },
): Promise<RequestEvent> {
  const body = checkMessage(input.body, 'note');
  const event = await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'internal_note',
    authorId: input.actor.accountId,
    authorRole: 'agent',
    isInternal: true,
    body,
  });
  await recordAudit(tx, {
    action: 'request.note_added',
    actorType: auditActorType(input.actor),
    actorId: input.actor.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number },
    requestId: input.httpRequestId ?? null,
  });
  return event;
}
