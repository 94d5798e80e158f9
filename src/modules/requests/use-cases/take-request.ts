/**
 * « Prendre en charge »: the agent takes a request — it is assigned to them (from nobody, or from
 * a colleague: the history says so) and, when it was new and its démarche's workflow allows it,
 * it moves to « En cours » (the citizen is told, as with any change of status). One transaction:
 * the request is looked up among those the actor may see (404 otherwise) and locked first.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { CLOSED_STATUSES, canMove, type RequestStatus } from '../../procedures/index.js';
import { requestDeps, workflowOfRequest } from '../deps.js';
import { canTakeRequest } from '../policy.js';
import { assignRequest } from './assign-request.js';
import { changeStatus } from './change-status.js';
import { agentOf, type Caller, lockRequestForAgent } from './common.js';

export interface TakeOutcome {
  /** The person it was assigned to before (null: nobody). */
  previousAssigneeId: string | null;
  /** The status after taking it. */
  status: RequestStatus;
  /** Whether taking it moved it from « Nouvelle » to « En cours ». */
  started: boolean;
}

/** Why a request cannot be taken, in French (422 on the request page). */
function refused(message: string): AppError {
  return new AppError('request.cannot_take', message, 422, { fields: { prendre: message } });
}

export async function takeRequest(ctx: AppContext, caller: Caller, number: string): Promise<TakeOutcome> {
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { row } = await lockRequestForAgent(tx, caller, number);
    if (CLOSED_STATUSES.has(row.status)) {
      throw refused('Cette demande est clôturée : il n’y a plus rien à prendre en charge.');
    }
    const workflow = await workflowOfRequest(tx, row);
    const start =
      row.status === 'nouvelle' &&
      canMove(workflow, { status: row.status, step: row.step }, { status: 'en_cours', step: null });
    if (!canTakeRequest(actor, row) || (row.assigneeId === actor.accountId && !start)) {
      throw refused('Vous avez déjà pris en charge cette demande.');
    }
    const actorRef = agentOf(actor);
    const assigned = await assignRequest(tx, {
      request: row,
      assigneeId: actor.accountId,
      actor: actorRef,
      httpRequestId: caller.httpRequestId,
    });
    const after = start
      ? await changeStatus(tx, requestDeps(ctx), {
          commune,
          request: assigned,
          status: 'en_cours',
          actor: actorRef,
          httpRequestId: caller.httpRequestId,
        })
      : assigned;
    return { previousAssigneeId: row.assigneeId, status: after.status, started: start };
  });
}
