/**
 * Assigns a request. `assignRequest` is the step (also used by taking a request and the bulk
 * actions); `reassignRequest` is the agent's form: to themselves (« moi »), to an agent of the
 * request's service, or to nobody (« personne »).
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { isAgentOfService } from '../backoffice/queries.js';
import { auditActorType, communeOf, type RequestActor } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { canAssign } from '../policy.js';
import { updateRequest } from '../repo.js';
import type { CitizenRequest } from '../schema.js';
import {
  agentOf,
  type Caller,
  formValue,
  invalid,
  lockRequestForAgent,
  parseFields,
  requestNotFound,
} from './common.js';

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

/** The agent's form: « moi », « personne », or the id of an agent of the service. */
export const assignForm = { attribuer: formValue.transform((v) => v.trim().toLowerCase()) };

/** Assigns a request to the actor ("moi"), to an agent of its service, or to nobody ("personne"). */
export async function reassignRequest(
  ctx: AppContext,
  caller: Caller,
  number: string,
  body: unknown,
): Promise<{ assigneeId: string | null }> {
  const { values } = parseFields(assignForm, body);
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row, serviceName } = await lockRequestForAgent(tx, caller, number);
    if (!canAssign(actor, row)) throw requestNotFound();
    const value = values.attribuer ?? '';
    let assigneeId: string | null;
    if (value === 'moi') assigneeId = actor.accountId;
    else if (value === 'personne') assigneeId = null;
    else if (isUuid(value) && (await isAgentOfService(tx, commune.id, value, row.serviceId))) assigneeId = value;
    else throw invalid({ attribuer: `Choisissez un agent du service ${serviceName}.` });
    if (assigneeId === row.assigneeId) {
      throw invalid({
        attribuer: assigneeId
          ? 'La demande est déjà attribuée à cette personne.'
          : 'La demande n’est attribuée à personne.',
      });
    }
    await assignRequest(tx, { request: row, assigneeId, actor: agentOf(actor), httpRequestId: caller.httpRequestId });
    return { assigneeId };
  });
}
