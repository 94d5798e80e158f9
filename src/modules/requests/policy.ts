/**
 * Who may do what on a citizen request: deny by default. The use cases check these predicates
 * before any change, and the pages use the same ones to decide which forms to show. A person who
 * may not see a request gets 404, as for a request of another commune.
 *
 * Agents act on the requests of their services; the mayor, the DGS and the administrator on
 * every request of the commune; an élu alone has no inbox. The citizen sees and answers only
 * their own requests (filed with their account). The secretary of a commune in « mode simple »
 * acts through the single-use link alone (the link is the credential).
 */
import { type Actor, CROSS_SERVICE_ROLES, canSeeService } from '../../platform/authz/actor.js';
import { CLOSED_STATUSES, type RequestStatus } from '../procedures/index.js';

/** What the predicates read of a request. */
export interface RequestFacts {
  serviceId: string;
  status: RequestStatus;
  assigneeId: string | null;
  accountId?: string | null;
}

/** The services whose requests the actor sees: 'all', or a list (empty: no inbox). */
export function visibleServiceScope(actor: Actor): 'all' | string[] {
  if ([...actor.roles].some((r) => CROSS_SERVICE_ROLES.has(r))) return 'all';
  return actor.roles.has('agent') ? [...actor.serviceIds] : [];
}

/** The actor has an inbox at all (an élu alone has none). */
export function canUseInbox(actor: Actor | null): boolean {
  if (!actor) return false;
  const scope = visibleServiceScope(actor);
  return scope === 'all' || scope.length > 0;
}

/** An agent of the request's service, or someone who sees every service. */
export function canSeeRequest(actor: Actor | null, request: Pick<RequestFacts, 'serviceId'>): boolean {
  return canSeeService(actor, request.serviceId);
}

/**
 * « Prendre en charge »: an open request that is not already the actor's — or that is theirs but
 * still new (taking it starts it).
 */
export function canTakeRequest(actor: Actor | null, request: RequestFacts): boolean {
  if (!actor || !canSeeRequest(actor, request) || CLOSED_STATUSES.has(request.status)) return false;
  return request.assigneeId !== actor.accountId || request.status === 'nouvelle';
}

/** Change the status or step (within the démarche's workflow, checked by the use case). */
export function canChangeStatus(actor: Actor | null, request: RequestFacts): boolean {
  return canSeeRequest(actor, request);
}

/** Write to the citizen (a closed request may still be written to, without waiting for a reply). */
export function canMessageCitizen(actor: Actor | null, request: RequestFacts): boolean {
  return canSeeRequest(actor, request);
}

/** Ask the citizen something and wait for their answer: open requests only. */
export function canAwaitReply(actor: Actor | null, request: RequestFacts): boolean {
  return canMessageCitizen(actor, request) && !CLOSED_STATUSES.has(request.status);
}

/** Write a note only agents read. */
export function canAddNote(actor: Actor | null, request: RequestFacts): boolean {
  return canSeeRequest(actor, request);
}

/** Assign to oneself, to an agent of the service, or to nobody. */
export function canAssign(actor: Actor | null, request: RequestFacts): boolean {
  return canSeeRequest(actor, request);
}

/** Send to another service of the commune (a training example of the classifier). */
export function canReroute(actor: Actor | null, request: RequestFacts): boolean {
  return canSeeRequest(actor, request);
}

/** File a request at the counter on behalf of a citizen. */
export function canFileAtCounter(actor: Actor | null): boolean {
  return canUseInbox(actor);
}

/** The citizen's own request: filed with their account (an anonymous request is nobody's). */
export function isOwnRequest(actor: Actor | null, request: Pick<RequestFacts, 'accountId'>): boolean {
  return (
    !!actor && request.accountId !== null && request.accountId !== undefined && request.accountId === actor.accountId
  );
}

/** The citizen answers their own request while it is open. */
export function canReplyAsCitizen(actor: Actor | null, request: RequestFacts): boolean {
  return isOwnRequest(actor, request) && !CLOSED_STATUSES.has(request.status);
}

/** « Refaire cette démarche »: the citizen's own request of that démarche. */
export function canRedoRequest(
  actor: Actor | null,
  request: Pick<RequestFacts, 'accountId'> & { procedureId: string | null },
  procedureId: string,
): boolean {
  return isOwnRequest(actor, request) && request.procedureId === procedureId;
}

/** The single-use link of « mode simple » is live: not used, not expired. */
export function canProcessByLink(
  request: { processTokenHash: string | null; processTokenExpiresAt: Date | null },
  now: Date,
): boolean {
  return (
    request.processTokenHash !== null &&
    !!request.processTokenExpiresAt &&
    request.processTokenExpiresAt.getTime() >= now.getTime()
  );
}
