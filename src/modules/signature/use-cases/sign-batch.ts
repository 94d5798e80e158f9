/**
 * Batch signing: the signer picks several folders waiting for their signature and confirms once
 * (after the same step-up as a single signature). Each folder is signed by `decideStep` in its own
 * transaction, one after the other: a folder that fails (changed meanwhile, a PDF that cannot be
 * signed) is reported with its French message and does not stop the others — nothing is half
 * done, and the result lists every folder. One journal entry sums the batch up.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { findFolder } from '../repo.js';
import { auditSignature, type Caller, parseInput } from './common.js';
import { decideStep } from './decide-step.js';

export const MAX_BATCH = 50;

const many = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const batchSchema = z
  .object({
    dossier: z.preprocess(
      many,
      z
        .array(z.string().refine(isUuid, 'Rechargez la page du parapheur.'))
        .min(1, 'Cochez au moins un dossier à signer.')
        .max(MAX_BATCH, `Signez au plus ${MAX_BATCH} dossiers à la fois.`),
    ),
    etape: z.preprocess(many, z.array(z.string())),
  })
  .refine((v) => v.etape.length === v.dossier.length, {
    path: ['dossier'],
    message: 'Rechargez la page du parapheur.',
  });

export interface BatchItem {
  folderId: string;
  number: string | null;
  title: string | null;
  ok: boolean;
  /** What happened, in French (the error's message when it failed). */
  message: string;
}

export async function signBatch(ctx: AppContext, caller: Caller, input: unknown): Promise<BatchItem[]> {
  const values = parseInput(batchSchema, input);
  const results: BatchItem[] = [];
  for (const [i, folderId] of values.dossier.entries()) {
    const folder = await withTenant(ctx.database, caller.communeId, (tx) => findFolder(tx, caller.communeId, folderId));
    const item = { folderId, number: folder?.number ?? null, title: folder?.title ?? null };
    try {
      const done = await decideStep(ctx, caller, folderId, 'signature', { etape: values.etape[i] });
      results.push({
        ...item,
        ok: true,
        message:
          done.outcome === 'completed'
            ? 'Signé : le circuit est terminé.'
            : 'Signé : le dossier passe à l’étape suivante.',
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) {
        ctx.logger.error({ err: error, folderId }, 'batch signing: one folder failed');
        results.push({ ...item, ok: false, message: 'Non signé : erreur technique, réessayez ce dossier seul.' });
      } else if (error.status === 404) {
        results.push({
          ...item,
          number: null,
          title: null,
          ok: false,
          message: 'Non signé : ce dossier n’est pas à votre disposition.',
        });
      } else {
        results.push({ ...item, ok: false, message: `Non signé : ${error.userMessage}` });
      }
    }
  }
  await withTenant(ctx.database, caller.communeId, (tx) =>
    auditSignature(
      tx,
      caller,
      'signature.batch_signed',
      { type: 'signature_batch', id: null },
      {
        signed: results.filter((r) => r.ok).map((r) => r.folderId),
        failed: results.filter((r) => !r.ok).map((r) => r.folderId),
      },
    ),
  );
  return results;
}
