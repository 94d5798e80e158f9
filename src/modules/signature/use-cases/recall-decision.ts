/**
 * Droit de remords: the person who just visa'd or signed takes it back while nobody has acted on
 * the next step; the folder returns to their step (a signature taken back gives back the
 * document as it was before it).
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { FOLDER_NOT_FOUND, loadFolderView, startStep } from '../folder-flow.js';
import { canSeeFolder, currentStep, recallableDecision } from '../policy.js';
import { insertAction, updateStep, withdrawActions } from '../repo.js';
import { auditFolder, type Caller, notAllowed } from './common.js';
import { restoreDocumentBefore } from './send-back-step.js';

export async function recallDecision(ctx: AppContext, caller: Caller, folderId: string): Promise<void> {
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor, { lock: true });
    if (!view || !canSeeFolder(caller.actor, view)) throw FOLDER_NOT_FOUND();
    const decision = recallableDecision(caller.actor, view);
    if (!decision) {
      throw notAllowed(
        'Vous ne pouvez plus reprendre votre décision : la personne suivante a déjà agi sur ce dossier.',
      );
    }
    const current = currentStep(view)!;
    const step = view.steps.find((s) => s.id === decision.stepId)!;
    await restoreDocumentBefore(tx, communeId, folderId, [decision]);
    await withdrawActions(tx, communeId, [decision.id]);
    await insertAction(tx, {
      communeId,
      folderId,
      stepId: step.id,
      kind: 'remords',
      accountId: caller.actor.accountId,
      comment: decision.kind === 'signature' ? 'Signature reprise' : 'Visa repris',
    });
    await updateStep(tx, communeId, current.id, { status: 'a_venir', assignees: [], startedAt: null });
    // The step starts again with the same people (re-resolved), the other decisions kept.
    await startStep(tx, view.folder, view.steps, step.position);
    await auditFolder(tx, caller, 'signature.decision_recalled', folderId, {
      number: view.folder.number,
      step: step.position,
      kind: decision.kind,
    });
  });
}
