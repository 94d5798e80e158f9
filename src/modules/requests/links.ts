/** Links to a request in the citizen portal, as mails and receipts give them. */
import type { Commune } from '../../platform/tenancy/communes.js';
import type { RequestDeps } from './deps.js';
import type { CitizenRequest } from './schema.js';

/** Link to a request's page in the citizen portal. */
export function requestUrl(deps: Pick<RequestDeps, 'publicUrl'>, commune: Commune, number: string): string {
  return `${deps.publicUrl}/c/${commune.slug}/demandes/${number}`;
}

export function receiptUrl(deps: Pick<RequestDeps, 'publicUrl'>, commune: Commune, number: string): string {
  return `${requestUrl(deps, commune, number)}/accuse-de-reception.pdf`;
}

/** The request's page for a requester with an account (none otherwise: it is not online for them). */
export function trackingUrlFor(
  deps: Pick<RequestDeps, 'publicUrl'>,
  commune: Commune,
  request: CitizenRequest,
): string | undefined {
  return request.accountId ? requestUrl(deps, commune, request.number) : undefined;
}
