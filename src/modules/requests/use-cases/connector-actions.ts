/**
 * What a connector of the REST API may do to a request with a `requests:write` token: write to
 * the citizen (the author shown is the connector, i.e. the token's name) and change the status.
 * The same steps as the agent's forms (`sendMessageToCitizen`, `changeStatus`), in one tenant
 * transaction each; a number unknown in the token's commune is a 404.
 */
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import type { ApiPrincipal } from '../../../platform/http/api-auth.js';
import { apiTokenName } from '../../identity/index.js';
import type { RequestStatus } from '../../procedures/index.js';
import { requestDeps } from '../deps.js';
import { findRequestByNumber, tagEventWithConnector } from '../repo.js';
import type { CitizenRequest, RequestEvent } from '../schema.js';
import { changeStatus } from './change-status.js';
import { sendMessageToCitizen } from './send-message.js';

const API_ACTOR = { type: 'api', accountId: null } as const;

export async function requestOr404(tx: Tx, communeId: string, number: string): Promise<CitizenRequest> {
  const found = await findRequestByNumber(tx, communeId, number);
  if (!found) throw notFound('request.not_found', `unknown request ${number}`);
  return found;
}

export async function connectorMessage(
  ctx: AppContext,
  principal: ApiPrincipal,
  number: string,
  input: { message: string; awaitReply: boolean; httpRequestId: string },
): Promise<RequestEvent> {
  const { commune } = principal;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const found = await requestOr404(tx, commune.id, number);
    const sent = await sendMessageToCitizen(tx, requestDeps(ctx), {
      commune,
      request: found,
      actor: API_ACTOR,
      body: input.message,
      awaitReply: input.awaitReply,
      httpRequestId: input.httpRequestId,
    });
    // The author of the message is the connector (the token), kept with the event.
    const connector = `connecteur ${await apiTokenName(tx, commune.id, principal.tokenId)}`;
    await tagEventWithConnector(tx, commune.id, sent.id, { connector, apiTokenId: principal.tokenId });
    return sent;
  });
}

/** Changes the status; `read` builds the answer inside the same transaction (the updated request). */
export async function connectorChangeStatus<T>(
  ctx: AppContext,
  principal: ApiPrincipal,
  number: string,
  input: { status: RequestStatus; step: string | null; message: string | null; httpRequestId: string },
  read: (tx: Tx, updated: CitizenRequest) => Promise<T>,
): Promise<T> {
  const { commune } = principal;
  return withTenant(ctx.database, commune.id, async (tx) => {
    const found = await requestOr404(tx, commune.id, number);
    const updated = await changeStatus(tx, requestDeps(ctx), {
      commune,
      request: found,
      status: input.status,
      step: input.step,
      actor: API_ACTOR,
      message: input.message,
      httpRequestId: input.httpRequestId,
    });
    return read(tx, updated);
  });
}
