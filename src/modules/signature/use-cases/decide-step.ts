/**
 * Viser or signer the current step of a folder. A signature signs the main PDF (or each bordereau
 * of a PES V2 file) with the signer's
 * certificate (signing.ts) and keeps the new version; the step closes when its rule (ET / OU) is
 * met, the next one starts, and after the last one the folder is terminé and
 * `signature.circuit.completed` is emitted.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { advanceIfStepDone, FOLDER_NOT_FOUND, loadFolderView } from '../folder-flow.js';
import { actingFor, canDecide, canSeeFolder, currentStep } from '../policy.js';
import { insertAction, listDocuments, setDocumentVersion } from '../repo.js';
import { signMainDocument } from '../signing.js';
import { auditFolder, type Caller, emitSignatureEvent, notAllowed, parseInput, stepField } from './common.js';

export const decisionSchema = z.object({
  etape: stepField,
  commentaire: z
    .string()
    .trim()
    .max(2000, 'Le commentaire ne doit pas dépasser 2 000 caractères.')
    .optional()
    .transform((v) => (v ? v : null)),
});

export interface DecisionResult {
  outcome: 'waiting' | 'next' | 'completed';
  /** PAdES level of the signature, or XAdES-B-B for a PES file (signatures only). */
  level?: string;
}

export async function decideStep(
  ctx: AppContext,
  caller: Caller,
  folderId: string,
  kind: 'visa' | 'signature',
  input: unknown,
): Promise<DecisionResult> {
  const values = parseInput(decisionSchema, input);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor, { lock: true });
    if (!view || !canSeeFolder(caller.actor, view)) throw FOLDER_NOT_FOUND();
    const current = currentStep(view);
    if (!current || current.id !== values.etape) {
      throw notAllowed('Le dossier a changé depuis l’affichage de la page : consultez-le de nouveau avant d’agir.');
    }
    if (!canDecide(caller.actor, view, kind)) {
      throw notAllowed(
        kind === 'visa' ? 'Ce dossier n’attend pas votre visa.' : 'Ce dossier n’attend pas votre signature.',
      );
    }
    const forAccount = actingFor(caller.actor, view)[0]!;
    const onBehalfOf = forAccount === caller.actor.accountId ? null : forAccount;
    const principal = (await listDocuments(tx, communeId, folderId)).find((d) => d.role === 'principal')!;
    let documentSha256 = principal.currentSha256;
    let previousSha256: string | null = null;
    let level: string | undefined;
    if (kind === 'signature') {
      const signed = await signMainDocument(ctx, tx, { view, principal, signer: caller.actor, onBehalfOf });
      previousSha256 = principal.currentSha256;
      documentSha256 = await tx.blobs.put({ communeId }, signed.content);
      await setDocumentVersion(tx, communeId, principal.id, documentSha256, signed.content.length);
      level = signed.level;
    }
    const decision = await insertAction(tx, {
      communeId,
      folderId,
      stepId: current.id,
      kind,
      accountId: caller.actor.accountId,
      onBehalfOf,
      comment: values.commentaire,
      documentSha256,
      previousSha256,
    });
    view.actions.push(decision);
    const outcome = await advanceIfStepDone(tx, view, current);
    await auditFolder(tx, caller, kind === 'visa' ? 'signature.folder_visa' : 'signature.folder_signed', folderId, {
      number: view.folder.number,
      step: current.position,
      onBehalfOf,
      sha256: documentSha256,
      ...(level ? { level } : {}),
    });
    if (outcome === 'completed') {
      await auditFolder(tx, caller, 'signature.circuit_completed', folderId, { number: view.folder.number });
      await emitSignatureEvent(ctx, tx, 'signature.circuit.completed', {
        folderId,
        number: view.folder.number,
        documentType: view.folder.documentType,
        source: view.folder.source,
        sourceReference: view.folder.sourceReference,
      });
    }
    return { outcome, ...(level ? { level } : {}) };
  });
}
