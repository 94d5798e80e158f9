/**
 * The citizen answers their own request from « Mes demandes ». `replyAsCitizen` is the step
 * (history; a request waiting for the citizen goes back to « en cours »; journal);
 * `replyToRequest` is the citizen's form with an optional document checked beforehand.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { isCounterNumber } from '../../../platform/db/counters.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import type { ValidatedUpload } from '../../../platform/files/checks.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { CLOSED_STATUSES } from '../../procedures/index.js';
import { checkMessage, communeOf, type RequestDeps, requestDeps } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { isOwnRequest } from '../policy.js';
import { attachFilesToRequest, findRequestByNumber } from '../repo.js';
import { storeFile } from '../request-files.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import { changeStatus } from './change-status.js';
import { firstFormValue, parseFields } from './common.js';

/**
 * The citizen answers from "Mes demandes" (optionally with files already stored): history
 * event; a request waiting for the citizen goes back to "en cours".
 */
export async function replyAsCitizen(
  tx: Tx,
  deps: RequestDeps,
  input: {
    commune: Commune;
    request: CitizenRequest;
    accountId: string;
    body: string;
    fileIds?: string[];
    httpRequestId?: string | null;
  },
): Promise<RequestEvent> {
  const communeId = communeOf(tx);
  if (CLOSED_STATUSES.has(input.request.status)) {
    throw new AppError('request.closed', 'request closed', 409, {
      userMessage: 'Cette demande est close : pour une nouvelle question, faites une nouvelle demande.',
    });
  }
  const body = checkMessage(input.body);
  const fileIds = input.fileIds ?? [];
  await attachFilesToRequest(tx, communeId, input.request.id, fileIds);
  const event = await addRequestEvent(tx, {
    requestId: input.request.id,
    kind: 'message_from_citizen',
    authorId: input.accountId,
    authorRole: 'citizen',
    body,
    data: { files: fileIds },
  });
  if (input.request.status === 'attente_usager') {
    await changeStatus(tx, deps, {
      commune: input.commune,
      request: input.request,
      status: 'en_cours',
      actor: { type: 'system', accountId: null },
      notify: false,
    });
  }
  await recordAudit(tx, {
    action: 'request.citizen_replied',
    actorType: 'citizen',
    actorId: input.accountId,
    targetType: 'request',
    targetId: input.request.id,
    data: { number: input.request.number, files: fileIds.length },
    requestId: input.httpRequestId ?? null,
  });
  return event;
}

/** The signed-in citizen's own request, or 404 (whoever else's it is). */
export async function findOwnRequest(
  tx: Tx,
  communeId: string,
  actor: Actor | null | undefined,
  number: string,
): Promise<CitizenRequest> {
  const found = isCounterNumber(number) ? await findRequestByNumber(tx, communeId, number) : undefined;
  if (!found || !isOwnRequest(actor ?? null, found)) {
    throw notFound('request.not_found', `request ${number} not found for this account`);
  }
  return found;
}

/** The citizen's form: the message (checked by the step: required, at most 5,000 characters). */
export const replyForm = { message: firstFormValue };

export async function replyToRequest(
  ctx: AppContext,
  caller: { commune: Commune; actor: Actor; httpRequestId: string | null },
  number: string,
  body: unknown,
  upload: ValidatedUpload | null,
): Promise<RequestEvent> {
  const { values } = parseFields(replyForm, body);
  const { commune, actor } = caller;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const r = await findOwnRequest(tx, commune.id, actor, number);
    const file = upload ? await storeFile(tx, { upload, ownerAccountId: actor.accountId, requestId: r.id }) : null;
    return replyAsCitizen(tx, requestDeps(ctx), {
      commune,
      request: r,
      accountId: actor.accountId,
      body: values.message ?? '',
      fileIds: file ? [file.id] : [],
      httpRequestId: caller.httpRequestId,
    });
  });
}
