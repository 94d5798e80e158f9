/**
 * Refuser: whoever is due to act on the current step stops the circuit, with a reason the folder's
 * author reads; the folder is refusé and `signature.circuit.refused` is emitted.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { FOLDER_NOT_FOUND, loadFolderView } from '../folder-flow.js';
import { actingFor, canRefuse, canSeeFolder, currentStep } from '../policy.js';
import { insertAction, updateFolder, updateStep } from '../repo.js';
import {
  auditFolder,
  type Caller,
  emitSignatureEvent,
  notAllowed,
  parseInput,
  reasonField,
  stepField,
} from './common.js';

export const refusalSchema = z.object({
  etape: stepField,
  motif: reasonField('Indiquez le motif du refus.'),
});

export async function refuseFolder(ctx: AppContext, caller: Caller, folderId: string, input: unknown): Promise<void> {
  const values = parseInput(refusalSchema, input);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor, { lock: true });
    if (!view || !canSeeFolder(caller.actor, view)) throw FOLDER_NOT_FOUND();
    const current = currentStep(view);
    if (!current || current.id !== values.etape) {
      throw notAllowed('Le dossier a changé depuis l’affichage de la page : consultez-le de nouveau avant d’agir.');
    }
    if (!canRefuse(caller.actor, view)) throw notAllowed('Ce dossier n’attend pas votre décision.');
    const forAccount = actingFor(caller.actor, view)[0]!;
    await insertAction(tx, {
      communeId,
      folderId,
      stepId: current.id,
      kind: 'refus',
      accountId: caller.actor.accountId,
      onBehalfOf: forAccount === caller.actor.accountId ? null : forAccount,
      comment: values.motif,
    });
    await updateStep(tx, communeId, current.id, { status: 'fait', completedAt: new Date() });
    await updateFolder(tx, communeId, folderId, { status: 'refuse', currentStep: null, closedAt: new Date() });
    await auditFolder(tx, caller, 'signature.folder_refused', folderId, {
      number: view.folder.number,
      step: current.position,
    });
    await emitSignatureEvent(ctx, tx, 'signature.circuit.refused', {
      folderId,
      number: view.folder.number,
      documentType: view.folder.documentType,
      source: view.folder.source,
      sourceReference: view.folder.sourceReference,
      reason: values.motif,
    });
  });
}
