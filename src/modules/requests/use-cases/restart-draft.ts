/**
 * Starting a démarche again: « Tout recommencer » drops the owner's draft and its files;
 * « Refaire cette démarche » starts a new draft from the answers of one of the citizen's own
 * earlier requests of the same démarche (files stay with that request: current documents are
 * attached again), prefilled from the account for what those answers lack.
 */
import type { AppContext } from '../../../platform/context.js';
import { isCounterNumber } from '../../../platform/db/counters.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { type Answers, effectiveAnswers } from '../../forms/index.js';
import { fileRefsIn, loadProcedure, prefilled } from '../demarche-flow.js';
import {
  type DraftOwner,
  deleteDraft,
  deleteDraftFilesExcept,
  findDraft,
  findRequestByNumber,
  insertDraft,
} from '../repo.js';

async function dropDraft(tx: Tx, communeId: string, procedureId: string, owner: DraftOwner): Promise<void> {
  const draft = await findDraft(tx, communeId, procedureId, owner);
  if (!draft) return;
  await deleteDraftFilesExcept(tx, communeId, draft.id, []);
  await deleteDraft(tx, communeId, draft.id);
}

/** « Tout recommencer »: the démarche's slug (404 for an unknown or unpublished démarche). */
export async function restartDraft(
  ctx: AppContext,
  input: { commune: Commune; procedureSlug: string; owner: DraftOwner | null },
): Promise<string> {
  const { commune, owner } = input;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const { procedure } = await loadProcedure(tx, commune, input.procedureSlug);
    if (owner) await dropDraft(tx, commune.id, procedure.id, owner);
    return procedure.slug;
  });
}

/**
 * « Refaire cette démarche »: the id of the new draft's first page. 404 when the number is not a
 * request of this account for this démarche.
 */
export async function redoRequest(
  ctx: AppContext,
  input: { commune: Commune; procedureSlug: string; accountId: string; number: string },
): Promise<{ slug: string; firstPage: string }> {
  const { commune, accountId, number } = input;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const loaded = await loadProcedure(tx, commune, input.procedureSlug);
    const previous = isCounterNumber(number) ? await findRequestByNumber(tx, commune.id, number) : undefined;
    if (!previous || previous.accountId !== accountId || previous.procedureId !== loaded.procedure.id) {
      throw notFound('request.not_found', `no request ${number} of this account for this procedure`);
    }
    const answers = Object.fromEntries(
      Object.entries(previous.answers).filter(([, v]) => fileRefsIn(v).length === 0),
    ) as Answers;
    await dropDraft(tx, commune.id, loaded.procedure.id, { accountId });
    const fresh = effectiveAnswers(loaded.definition, await prefilled(tx, accountId, loaded.definition, answers));
    const firstPage = loaded.definition.pages[0]!.id;
    await insertDraft(tx, {
      communeId: commune.id,
      procedureId: loaded.procedure.id,
      formVersion: loaded.version,
      accountId,
      tokenHash: null,
      answers: fresh,
      currentPage: firstPage,
    });
    return { slug: loaded.procedure.slug, firstPage };
  });
}
