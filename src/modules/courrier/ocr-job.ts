/**
 * The OCR worker job (`courrier.ocr`), queued in the registration's transaction: reads every scan
 * of the mail page by page (ocr.ts), saving the progress after each page so that the mail's page
 * shows « page 2 sur 3 », then stores the text (searchable in the register) and asks the
 * classifier for the service on the subject and the text read. Idempotent: a retry starts over.
 * A server without tesseract marks the mail « indisponible » with a French explanation.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { JobDefinition } from '../../platform/jobs/queue.js';
import {
  DEFAULT_OCR_COMMANDS,
  OCR_UNAVAILABLE_MESSAGE,
  type OcrCommands,
  OcrUnavailableError,
  pageCount,
  readPage,
  withWorkdir,
} from './ocr.js';
import { addHistory, findMail, listDocuments, updateMail } from './repo.js';
import { refreshProposal } from './use-cases/propose-service.js';

export const OCR_JOB = 'courrier.ocr';

const ocrSchema = z.object({ communeId: z.uuid(), mailId: z.uuid() });

const MAX_TEXT = 200_000;

export async function runOcr(
  ctx: AppContext,
  data: z.infer<typeof ocrSchema>,
  commands: OcrCommands = DEFAULT_OCR_COMMANDS,
): Promise<void> {
  const { communeId, mailId } = data;
  const loaded = await withTenant(ctx.database, communeId, async (tx) => {
    const mail = await findMail(tx, communeId, mailId);
    if (!mail) return null;
    const documents = await listDocuments(tx, communeId, mailId);
    const files = [];
    for (const d of documents) {
      const readable = d.needsOcr && (d.mimeType === 'application/pdf' || d.mimeType.startsWith('image/'));
      if (readable) files.push({ ...d, content: await tx.blobs.get({ communeId }, d.sha256) });
    }
    return { mail, files };
  });
  if (!loaded || loaded.files.length === 0) return;
  const save = (patch: Parameters<typeof updateMail>[3]) =>
    withTenant(ctx.database, communeId, (tx) => updateMail(tx, communeId, mailId, patch));
  try {
    const texts = await withWorkdir(async (dir) => {
      const pages: Array<{ file: string; mimeType: string; page: number }> = [];
      for (const [i, f] of loaded.files.entries()) {
        const file = path.join(dir, `document-${i}${f.mimeType === 'application/pdf' ? '.pdf' : ''}`);
        await fs.writeFile(file, f.content);
        const count = await pageCount(file, f.mimeType, commands);
        for (let page = 1; page <= count; page++) pages.push({ file, mimeType: f.mimeType, page });
      }
      await save({ ocrStatus: 'en_cours', ocrPagesDone: 0, ocrPagesTotal: pages.length, ocrMessage: null });
      const out: string[] = [];
      for (const [i, p] of pages.entries()) {
        out.push(await readPage(p.file, p.mimeType, p.page, dir, commands));
        await save({ ocrPagesDone: i + 1 });
      }
      return out;
    });
    const text = texts.join('\n\n').slice(0, MAX_TEXT);
    await withTenant(ctx.database, communeId, async (tx) => {
      await updateMail(tx, communeId, mailId, { ocrStatus: 'termine', ocrText: text, ocrMessage: null });
      await addHistory(tx, communeId, mailId, {
        actorId: null,
        kind: 'ocr',
        text: `Texte lu automatiquement : ${texts.length} page${texts.length > 1 ? 's' : ''}, ${
          text.split(/\s+/).filter(Boolean).length
        } mots.`,
      });
      await refreshProposal(tx, communeId, mailId);
    });
  } catch (error) {
    if (error instanceof OcrUnavailableError) {
      ctx.logger.warn({ program: error.program }, 'OCR indisponible : programme absent');
      await save({ ocrStatus: 'indisponible', ocrMessage: OCR_UNAVAILABLE_MESSAGE });
      return;
    }
    ctx.logger.error({ err: (error as Error).message, mailId }, 'OCR en échec');
    await save({
      ocrStatus: 'echec',
      ocrMessage:
        'Le texte de ce courrier n’a pas pu être lu (fichier illisible ou abîmé). Vous pouvez le lire sur le scan.',
    });
  }
}

export function ocrJob(ctx: AppContext): JobDefinition<typeof ocrSchema> {
  return {
    name: OCR_JOB,
    schema: ocrSchema,
    retryLimit: 2,
    expireInSeconds: 30 * 60,
    run: (data) => runOcr(ctx, data),
  };
}
