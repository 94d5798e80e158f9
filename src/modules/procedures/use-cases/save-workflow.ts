/**
 * Saves the status workflow of a démarche (outcomes, the commune's names for the statuses, steps
 * inside « en cours »). A step that requests are at right now cannot be removed or renamed away:
 * closed requests keep their outcome whatever the démarche becomes. One tenant transaction with
 * its audit entry.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { loadProcedure } from '../manage.js';
import { setProcedureWorkflow } from '../repo.js';
import { storedWorkflow, type WorkflowForm, workflowFromForm, workflowToStored } from '../workflow.js';

export interface WorkflowCaller {
  communeId: string;
  actor: Actor;
  requestId: string;
}

export async function saveWorkflow(
  ctx: AppContext,
  caller: WorkflowCaller,
  slug: string,
  form: WorkflowForm,
): Promise<void> {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { procedure } = await loadProcedure(tx, caller.communeId, slug);
    const before = storedWorkflow(procedure.workflow);
    const after = workflowFromForm(form);
    const inUse = await ctx.contributions.usage('procedure-step', tx, caller.communeId, procedure.id);
    const kept = new Set(after.steps.map((s) => s.key));
    const blocking = [...inUse].map(([step, n]) => ({ step, n })).find((row) => row.n > 0 && !kept.has(row.step));
    if (blocking) {
      const label = before.steps.find((s) => s.key === blocking.step)?.label ?? blocking.step;
      const count = blocking.n === 1 ? '1 demande en cours est' : `${blocking.n} demandes en cours sont`;
      throw new AppError('workflow.step_in_use', 'step in use', 422, {
        fields: {
          etapes: `${count} à l’étape « ${label} » : faites-les avancer avant de retirer ou de renommer cette étape.`,
        },
      });
    }
    await setProcedureWorkflow(tx, caller.communeId, procedure.id, workflowToStored(after));
    await recordAudit(tx, {
      action: 'procedure.workflow_changed',
      actorType: 'agent',
      actorId: caller.actor.accountId,
      targetType: 'procedure',
      targetId: procedure.id,
      data: {
        slug: procedure.slug,
        statuses: after.statuses,
        labels: after.labels,
        steps: after.steps.map((s) => s.key),
      },
      requestId: caller.requestId,
    });
  });
}
