/**
 * « Envoyer ma demande »: the draft becomes a request. Refused while a required answer is missing
 * (the problems link to their pages), or when a file it references is no longer on the draft; the
 * request is filed by `submitRequest` (number, receipt, mail, routing) in the same transaction, so
 * a failed submission leaves the draft as it was.
 */
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { type Answers, effectiveAnswers, fieldEntries, findPage, missingRequired } from '../../forms/index.js';
import { fileRefsIn, type LoadedProcedure, loadFlow, requesterOf, summaryRows } from '../demarche-flow.js';
import { requestDeps } from '../deps.js';
import { type DraftOwner, deleteDraftFilesExcept, listDraftFiles } from '../repo.js';
import { submitRequest } from './submit-request.js';

/** A blocking problem of the review page: a link to the answer to complete. */
export interface DraftProblem {
  href: string;
  text: string;
}

export type SubmitDraftOutcome =
  | { kind: 'sent'; number: string; email: string }
  | { kind: 'incomplete'; loaded: LoadedProcedure; answers: Answers; problems: DraftProblem[] }
  | { kind: 'no_draft' };

/** The problems that block the submission, as links to their pages under `base`. */
export function draftProblems(loaded: LoadedProcedure, answers: Answers, base: string): DraftProblem[] {
  const { definition } = loaded;
  const effective = effectiveAnswers(definition, answers);
  return missingRequired(definition, answers).map(({ pageId, fieldId }) => {
    const page = findPage(definition, pageId);
    const entry = page ? fieldEntries(page.fields, effective).find((e) => e.key === fieldId) : undefined;
    return {
      href: `${base}/${encodeURIComponent(pageId)}?retour=verifier#${encodeURIComponent(fieldId)}`,
      text: `Complétez « ${entry?.field.label ?? fieldId} » (étape « ${page?.title ?? pageId} »)`,
    };
  });
}

export interface SubmitDraftInput {
  commune: Commune;
  procedureSlug: string;
  owner: DraftOwner | null;
  /** The signed-in citizen, or null for an anonymous visitor. */
  actor: Actor | null;
  /** Where the flow's pages are (the problems link to them). */
  base: string;
  httpRequestId: string;
}

export async function submitDraft(ctx: AppContext, input: SubmitDraftInput): Promise<SubmitDraftOutcome> {
  const { commune, actor } = input;
  return withTenant(ctx.database, commune.id, async (tx): Promise<SubmitDraftOutcome> => {
    const { loaded, draft } = await loadFlow(tx, commune, input.owner, input.procedureSlug);
    if (!draft) return { kind: 'no_draft' };
    const answers = effectiveAnswers(loaded.definition, draft.answers as Answers);
    const problems = draftProblems(loaded, answers, input.base);
    if (problems.length > 0) return { kind: 'incomplete', loaded, answers, problems };
    // Only files stored on this draft may be attached (a reference cannot point elsewhere).
    const draftFiles = new Set((await listDraftFiles(tx, commune.id, draft.id)).map((f) => f.id));
    const fileIds = [...new Set(fileRefsIn(answers).map((f) => f.id))];
    if (fileIds.some((id) => !draftFiles.has(id))) {
      throw new AppError('request.files_gone', 'file reference not on this draft', 409, {
        userMessage: 'Un des fichiers joints n’est plus disponible. Joignez-le à nouveau puis renvoyez la demande.',
      });
    }
    await deleteDraftFilesExcept(tx, commune.id, draft.id, fileIds);
    const { request: created } = await submitRequest(tx, requestDeps(ctx), {
      commune,
      procedure: loaded.procedure,
      formVersion: loaded.version,
      subject: loaded.procedure.title,
      answers,
      summary: summaryRows(loaded.definition, answers),
      requester: { accountId: actor?.accountId ?? null, ...requesterOf(loaded.definition, answers, actor) },
      fileIds,
      draftId: draft.id,
      actor: { type: 'citizen', accountId: actor?.accountId ?? null },
      httpRequestId: input.httpRequestId,
    });
    return { kind: 'sent', number: created.number, email: created.requesterEmail };
  });
}
