/** Annoter: anyone who may see a folder adds a note, shared with its other readers or private. */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { FOLDER_NOT_FOUND, loadFolderView } from '../folder-flow.js';
import { canAnnotate, currentStep } from '../policy.js';
import { insertAction } from '../repo.js';
import { auditFolder, type Caller, parseInput } from './common.js';

export const annotationSchema = z.object({
  note: z
    .string({ error: 'Écrivez l’annotation.' })
    .trim()
    .min(1, 'Écrivez l’annotation.')
    .max(2000, 'L’annotation ne doit pas dépasser 2 000 caractères.'),
  visibilite: z.enum(['partagee', 'privee'], { error: 'Indiquez qui peut lire l’annotation.' }),
});

export async function annotateFolder(ctx: AppContext, caller: Caller, folderId: string, input: unknown): Promise<void> {
  const values = parseInput(annotationSchema, input);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const view = await loadFolderView(tx, communeId, folderId, caller.actor);
    if (!view || !canAnnotate(caller.actor, view)) throw FOLDER_NOT_FOUND();
    await insertAction(tx, {
      communeId,
      folderId,
      stepId: currentStep(view)?.id ?? null,
      kind: 'annotation',
      accountId: caller.actor.accountId,
      comment: values.note,
      isPrivate: values.visibilite === 'privee',
    });
    // The journal records that a note was written, not its text (it may be private).
    await auditFolder(tx, caller, 'signature.folder_annotated', folderId, {
      number: view.folder.number,
      private: values.visibilite === 'privee',
    });
  });
}
