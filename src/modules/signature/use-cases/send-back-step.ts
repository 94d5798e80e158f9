/**
 * Renvoyer à l'étape précédente: whoever is due to act on the current step sends the folder back;
 * the previous step starts again (its decisions are withdrawn: its actors decide anew) — with a
 * reason, kept in the history. A signature withdrawn this way gives back the document as it was.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { FOLDER_NOT_FOUND, loadFolderView, startStep } from '../folder-flow.js';
import { actingFor, canRefuse, canSeeFolder, canSendBack, currentStep, liveDecisions } from '../policy.js';
import { insertAction, listDocuments, setDocumentVersion, updateStep, withdrawActions } from '../repo.js';
import { auditFolder, type Caller, notAllowed, parseInput, reasonField, stepField } from './common.js';

export const sendBackSchema = z.object({
  etape: stepField,
  motif: reasonField('Indiquez pourquoi vous renvoyez le dossier.'),
});

export async function sendBackStep(ctx: AppContext, caller: Caller, folderId: string, input: unknown): Promise<void> {
  const values = parseInput(sendBackSchema, input);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor, { lock: true });
    if (!view || !canSeeFolder(caller.actor, view)) throw FOLDER_NOT_FOUND();
    const current = currentStep(view);
    if (!current || current.id !== values.etape) {
      throw notAllowed('Le dossier a changé depuis l’affichage de la page : consultez-le de nouveau avant d’agir.');
    }
    if (!canRefuse(caller.actor, view)) throw notAllowed('Ce dossier n’attend pas votre décision.');
    if (!canSendBack(caller.actor, view)) {
      throw notAllowed('Ce dossier est à sa première étape : refusez-le plutôt, en indiquant le motif.');
    }
    const previous = view.steps.find((s) => s.position === current.position - 1)!;
    const withdrawn = [...liveDecisions(view, current.id), ...liveDecisions(view, previous.id)];
    await restoreDocumentBefore(tx, communeId, folderId, withdrawn);
    await withdrawActions(
      tx,
      communeId,
      withdrawn.map((a) => a.id),
    );
    const forAccount = actingFor(caller.actor, view)[0]!;
    await insertAction(tx, {
      communeId,
      folderId,
      stepId: current.id,
      kind: 'renvoi',
      accountId: caller.actor.accountId,
      onBehalfOf: forAccount === caller.actor.accountId ? null : forAccount,
      comment: values.motif,
    });
    await updateStep(tx, communeId, current.id, { status: 'a_venir', assignees: [], startedAt: null });
    await startStep(tx, view.folder, view.steps, previous.position);
    await auditFolder(tx, caller, 'signature.folder_sent_back', folderId, {
      number: view.folder.number,
      from: current.position,
      to: previous.position,
    });
  });
}

/** Puts the main document back as it was before the earliest withdrawn signature. */
export async function restoreDocumentBefore(
  tx: Parameters<typeof listDocuments>[0],
  communeId: string,
  folderId: string,
  withdrawn: ReadonlyArray<{ kind: string; previousSha256: string | null; occurredAt: Date }>,
): Promise<void> {
  const signatures = withdrawn
    .filter((a) => a.kind === 'signature' && a.previousSha256)
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const earliest = signatures[0];
  if (!earliest) return;
  const principal = (await listDocuments(tx, communeId, folderId)).find((d) => d.role === 'principal')!;
  const bytes = await tx.blobs.get({ communeId }, earliest.previousSha256!);
  await setDocumentVersion(tx, communeId, principal.id, earliest.previousSha256!, bytes.length);
}
