/**
 * Bulk actions of the inbox: one action applied to several requests. Requests for which the
 * action changes nothing (already mine, already closed, an outcome their workflow does not use)
 * are skipped; one the actor may not see is a 404 for the whole batch. One transaction.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { CLOSED_STATUSES, canMove } from '../../procedures/index.js';
import { visibleRequestNumbers } from '../backoffice/queries.js';
import { requestDeps, workflowOfRequest } from '../deps.js';
import { canAssign, canChangeStatus } from '../policy.js';
import { assignRequest } from './assign-request.js';
import { changeStatus } from './change-status.js';
import {
  agentOf,
  type Caller,
  formList,
  formValue,
  invalid,
  lockRequestForAgent,
  parseFields,
  requestNotFound,
} from './common.js';

export const BULK_ACTIONS = {
  moi: 'M’attribuer les demandes',
  en_cours: 'Passer « En cours »',
  classee: 'Classer les demandes',
} as const;
export type BulkAction = keyof typeof BULK_ACTIONS;

/** Most requests changed by one bulk action. */
export const BULK_MAX = 100;

/** The inbox's form: the ticked requests (ids) and the action. */
export const bulkForm = {
  demandes: formList
    .transform((ids) => [...new Set(ids.map((id) => id.trim().toLowerCase()))])
    .pipe(
      z
        .array(z.string())
        .min(1, 'Cochez au moins une demande.')
        .max(BULK_MAX, `Cochez au plus ${BULK_MAX} demandes à la fois.`),
    ),
  action: formValue.pipe(
    z.enum(Object.keys(BULK_ACTIONS) as [BulkAction, ...BulkAction[]], {
      error: 'Choisissez l’action à appliquer aux demandes cochées.',
    }),
  ),
};

export async function bulkUpdate(
  ctx: AppContext,
  caller: Caller,
  body: unknown,
): Promise<{ changed: number; skipped: number }> {
  const { values, errors } = parseFields(bulkForm, body);
  const ids = values.demandes ?? [];
  const action = values.action;
  if (Object.keys(errors).length > 0 || !action) throw invalid(errors);
  if (!ids.every((id) => isUuid(id))) throw requestNotFound();
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const numbers = await visibleRequestNumbers(tx, commune.id, actor, ids);
    if (numbers.length !== ids.length) throw requestNotFound();
    let changed = 0;
    for (const number of numbers) {
      const { row } = await lockRequestForAgent(tx, caller, number);
      if (action === 'moi') {
        if (!canAssign(actor, row)) throw requestNotFound();
        if (row.assigneeId === actor.accountId) continue;
        await assignRequest(tx, {
          request: row,
          assigneeId: actor.accountId,
          actor: agentOf(actor),
          httpRequestId: caller.httpRequestId,
        });
      } else {
        if (!canChangeStatus(actor, row)) throw requestNotFound();
        if (row.status === action || CLOSED_STATUSES.has(row.status)) continue;
        // Only where the démarche's workflow allows it (an outcome it does not use is skipped).
        const workflow = await workflowOfRequest(tx, row);
        if (!canMove(workflow, { status: row.status, step: row.step }, { status: action, step: null })) continue;
        await changeStatus(tx, requestDeps(ctx), {
          commune,
          request: row,
          status: action,
          actor: agentOf(actor),
          httpRequestId: caller.httpRequestId,
        });
      }
      changed++;
    }
    return { changed, skipped: numbers.length - changed };
  });
}
