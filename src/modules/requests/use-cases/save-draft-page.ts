/**
 * One page of a démarche sent by the citizen: its answers are read and checked, its files checked
 * by content then stored on the draft (uploaded now, or copied from « mes justificatifs »), and the
 * draft saved — with the errors, so that nothing typed is lost even when the page is refused.
 * The draft is created on the first page sent. One transaction after the file checks.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { type UploadedPart, type ValidatedUpload, validateUpload } from '../../../platform/files/checks.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import {
  type Answers,
  acceptedFormatsText,
  acceptedMimeTypes,
  type Field,
  type FileChoice,
  type FileRef,
  type FormPage,
  findPage,
  maxBytes,
  readPageAnswers,
} from '../../forms/index.js';
import { fileFieldForKey, fileRefsIn, type LoadedProcedure, loadFlow, prefilled, readKey } from '../demarche-flow.js';
import { type Draft, type DraftOwner, insertDraft, listDraftFiles, updateDraft } from '../repo.js';
import { storeFile } from '../request-files.js';
import { chosenDocuments, vaultChoicesForPage, vaultDocumentAsUpload } from '../vault-reuse.js';

export interface SaveDraftPageInput {
  commune: Commune;
  /** The démarche at its current version, as the page checked its audience. */
  current: LoadedProcedure;
  pageId: string;
  owner: DraftOwner;
  /** The signed-in citizen, or null for an anonymous visitor. */
  accountId: string | null;
  /** The page's fields as posted. */
  body: Record<string, unknown>;
  /** The files posted with the page (not yet checked). */
  uploads: UploadedPart[];
}

export interface SavedDraftPage {
  loaded: LoadedProcedure;
  page: FormPage;
  read: ReturnType<typeof readPageAnswers>;
  /** Field errors in French, the page's own and its files'. */
  errors: Record<string, string>;
  /** A file was over its size limit (the page answers 413 then). */
  tooLarge: boolean;
  /** Vault documents offered instead of an upload, per file field. */
  fileChoices: Record<string, FileChoice[]>;
}

type Accepted = { key: string; field: Field; upload: ValidatedUpload };

/** Checks the posted files by content, before anything is stored. */
async function checkUploads(page: FormPage, uploads: UploadedPart[]) {
  const fileErrors: Record<string, string> = {};
  let tooLarge = false;
  const accepted: Accepted[] = [];
  for (const part of uploads) {
    const field = fileFieldForKey(page, part.field);
    if (!field) {
      fileErrors[part.field] = 'Ce fichier n’était pas attendu sur cette page.';
      continue;
    }
    try {
      const upload = await validateUpload(part, {
        accept: acceptedMimeTypes(field),
        maxBytes: maxBytes(field),
        formatsText: acceptedFormatsText(field),
      });
      accepted.push({ key: part.field, field, upload });
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      fileErrors[part.field] ??= error.userMessage;
      if (error.status === 413) tooLarge = true;
    }
  }
  return { fileErrors, tooLarge, accepted };
}

export async function saveDraftPage(ctx: AppContext, input: SaveDraftPageInput): Promise<SavedDraftPage> {
  const { commune, owner, accountId } = input;
  const body = { ...input.body };
  const pageForFiles = findPage(input.current.definition, input.pageId);
  if (!pageForFiles) throw notFound('procedure.page_not_found', `no page ${input.pageId}`);
  const { fileErrors, tooLarge, accepted } = await checkUploads(pageForFiles, input.uploads);

  return withTenant(ctx.database, commune.id, async (tx) => {
    const flow = await loadFlow(tx, commune, owner, input.current.procedure.slug);
    const { loaded } = flow;
    let draft: Draft | undefined = flow.draft;
    const page = findPage(loaded.definition, input.pageId);
    if (!page) throw notFound('procedure.page_not_found', `no page ${input.pageId}`);
    if (!draft) {
      draft = await insertDraft(tx, {
        communeId: commune.id,
        procedureId: loaded.procedure.id,
        formVersion: loaded.version,
        accountId: 'accountId' in owner ? owner.accountId : null,
        tokenHash: 'tokenHash' in owner ? owner.tokenHash : null,
        answers: await prefilled(tx, accountId, loaded.definition),
        currentPage: page.id,
      });
    }
    const previous = draft.answers as Answers;

    // File inputs carry only what was uploaded now: references typed into the body are ignored.
    for (const key of Object.keys(body)) if (fileFieldForKey(page, key)) delete body[key];
    // Documents ticked in "mes justificatifs" are copied like uploads (same checks, same storage).
    const fromVault: Accepted[] = [];
    if (accountId) {
      const shaOf = new Map((await listDraftFiles(tx, commune.id, draft.id)).map((f) => [f.id, f.sha256]));
      const attached = (fieldId: string) => new Set(fileRefsIn(previous[fieldId]).map((ref) => shaOf.get(ref.id)));
      for (const { field, id } of chosenDocuments(page, body)) {
        try {
          const upload = await vaultDocumentAsUpload(tx, accountId, field, id);
          // Already attached to this field (the same page sent twice): nothing to add.
          if (!attached(field.id).has(upload.sha256)) fromVault.push({ key: field.id, field, upload });
        } catch (error) {
          if (!(error instanceof AppError) || !error.fields) throw error;
          fileErrors[field.id] ??= error.fields[field.id] ?? error.userMessage;
        }
      }
    }
    const added = new Map<string, FileRef[]>();
    for (const { key, field, upload } of [...accepted, ...fromVault]) {
      if (fileErrors[key]) continue;
      const already = fileRefsIn(readKey(previous, key)).length + (added.get(key)?.length ?? 0);
      const limit = field.file?.maxFiles ?? 1;
      if (already >= limit) {
        fileErrors[key] =
          limit === 1
            ? 'Vous avez déjà joint un fichier : retirez-le avant d’en joindre un autre.'
            : `Vous pouvez joindre au plus ${limit} fichiers.`;
        continue;
      }
      const stored = await storeFile(tx, {
        upload,
        ownerAccountId: 'accountId' in owner ? owner.accountId : null,
        draftId: draft.id,
      });
      added.set(key, [
        ...(added.get(key) ?? []),
        { id: stored.id, name: stored.name, size: stored.sizeBytes, type: stored.mimeType },
      ]);
    }
    for (const [key, refs] of added) body[key] = JSON.stringify(refs);

    const read = readPageAnswers(loaded.definition, page.id, body, previous);
    const errors = { ...read.errors, ...fileErrors };
    await updateDraft(tx, commune.id, draft.id, { answers: read.answers, currentPage: page.id });
    const fileChoices = await vaultChoicesForPage(
      tx,
      accountId,
      page,
      read.answers,
      await listDraftFiles(tx, commune.id, draft.id),
    );
    return { loaded, page, read, errors, tooLarge, fileChoices };
  });
}
