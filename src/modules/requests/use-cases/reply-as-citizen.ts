import { recordAudit } from '../../../platform/audit/journal.js';
import type { Tx } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { CLOSED_STATUSES } from '../../procedures/index.js';
import { checkMessage, communeOf, type RequestDeps } from '../deps.js';
import { addRequestEvent } from '../history.js';
import { attachFilesToRequest } from '../repo.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import { changeStatus } from './change-status.js';

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
