/**
 * An internal note, visible to agents only (never the citizen: is_internal). `addInternalNote`
 * is the step; `writeInternalNote` is the agent's form.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { auditActorType, checkMessage, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { canAddNote } from '../policy.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import {
  agentOf,
  agentText,
  type Caller,
  invalid,
  lockRequestForAgent,
  parseFields,
  requestNotFound,
} from './common.js';

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

export const noteForm = { note: agentText('La note', 'Écrivez la note interne.') };

/** Adds a note that only agents see. */
export async function writeInternalNote(ctx: AppContext, caller: Caller, number: string, body: unknown): Promise<void> {
  const { values, errors } = parseFields(noteForm, body);
  await withTenant(ctx.database, caller.commune.id, async (tx) => {
    const { row } = await lockRequestForAgent(tx, caller, number);
    if (!canAddNote(caller.actor, row)) throw requestNotFound();
    if (Object.keys(errors).length > 0) throw invalid(errors);
    await addInternalNote(tx, {
      request: row,
      actor: agentOf(caller.actor),
      body: values.note ?? '',
      httpRequestId: caller.httpRequestId,
    });
  });
}
