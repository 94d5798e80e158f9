/**
 * Transférer: whoever is due to act on the current step (or an administrator) hands their part
 * of it to another staff member of the commune, with an optional message.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listStaffContacts } from '../../identity/index.js';
import { FOLDER_NOT_FOUND, loadFolderView } from '../folder-flow.js';
import { actingFor, canSeeFolder, canTransfer, currentStep } from '../policy.js';
import { insertAction, updateStep } from '../repo.js';
import { auditFolder, type Caller, notAllowed, parseInput, stepField } from './common.js';

export const transferSchema = z.object({
  etape: stepField,
  destinataire: z.string({ error: 'Choisissez la personne.' }).uuid('Choisissez la personne dans la liste.'),
  message: z
    .string()
    .trim()
    .max(2000, 'Le message ne doit pas dépasser 2 000 caractères.')
    .optional()
    .transform((v) => (v ? v : null)),
});

export async function transferStep(ctx: AppContext, caller: Caller, folderId: string, input: unknown): Promise<void> {
  const values = parseInput(transferSchema, input);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor, { lock: true });
    if (!view || !canSeeFolder(caller.actor, view)) throw FOLDER_NOT_FOUND();
    const current = currentStep(view);
    if (!current || current.id !== values.etape) {
      throw notAllowed('Le dossier a changé depuis l’affichage de la page : consultez-le de nouveau avant d’agir.');
    }
    if (!canTransfer(caller.actor, view)) throw notAllowed('Ce dossier n’attend pas votre décision.');
    const staff = await listStaffContacts(tx, communeId);
    if (!staff.some((s) => s.accountId === values.destinataire)) {
      throw notAllowed('Choisissez une personne de la commune dans la liste.');
    }
    if (current.assignees.includes(values.destinataire)) {
      throw notAllowed('Cette personne doit déjà agir sur cette étape.');
    }
    // The actor's own part (or, for an administrator outside the step, the first one waiting).
    const handedOver = actingFor(caller.actor, view)[0] ?? current.assignees[0];
    const assignees = handedOver
      ? current.assignees.map((a) => (a === handedOver ? values.destinataire : a))
      : [values.destinataire];
    await updateStep(tx, communeId, current.id, { assignees });
    await insertAction(tx, {
      communeId,
      folderId,
      stepId: current.id,
      kind: 'transfert',
      accountId: caller.actor.accountId,
      onBehalfOf: handedOver && handedOver !== caller.actor.accountId ? handedOver : null,
      comment: values.message,
    });
    await auditFolder(tx, caller, 'signature.step_transferred', folderId, {
      number: view.folder.number,
      step: current.position,
      from: handedOver ?? null,
      to: values.destinataire,
    });
  });
}
