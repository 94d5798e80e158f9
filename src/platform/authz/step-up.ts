/**
 * Step-up (re-authentication) before sensitive actions: signing, role changes, exports of
 * personal data, changes to one's own second factor. A route calls
 *
 *     const redirect = requireRecentAuthentication(request, reply);
 *     if (redirect) return redirect;
 *
 * and, when the person last entered a credential more than STEP_UP_MINUTES ago, is sent (303)
 * to /c/<slug>/compte/confirmer-identite?retour=…, where the identity module asks for the
 * password or a code of the authenticator app, then comes back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Commune } from '../tenancy/communes.js';
import type { Actor } from './actor.js';

/** How long a confirmation of identity lasts. */
export const STEP_UP_MINUTES = 5;

/** Path of the step-up page under /c/<slug>. */
export const STEP_UP_PATH = '/compte/confirmer-identite';

/** True when the person entered a credential in this session less than stepUpMinutes ago. */
export function isRecentlyAuthenticated(actor: Actor | null, now = Date.now()): boolean {
  if (!actor?.reauthenticatedAt) return false;
  return now - actor.reauthenticatedAt.getTime() < STEP_UP_MINUTES * 60_000;
}

/** The step-up page URL that comes back to `returnTo` afterwards. */
export function stepUpUrl(commune: Commune, returnTo: string): string {
  return `/c/${commune.slug}${STEP_UP_PATH}?retour=${encodeURIComponent(returnTo)}`;
}

/** The local page the request came from (its Referer), when it belongs to the same commune. */
function refererPath(request: FastifyRequest, slug: string): string | undefined {
  const referer = request.headers.referer;
  if (!referer || referer.length > 2000) return undefined;
  try {
    const url = new URL(referer);
    if (url.host !== request.headers.host) return undefined;
    const path = `${url.pathname}${url.search}`;
    return path.startsWith(`/c/${slug}/`) && !path.startsWith(`/c/${slug}${STEP_UP_PATH}`) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Guards a sensitive action. Returns undefined when the last authentication is recent enough;
 * otherwise answers the request — 303 to the step-up page for pages, an AppError 401 for API
 * calls — and returns the reply, which the handler must return:
 *
 *     const redirect = requireRecentAuthentication(request, reply);
 *     if (redirect) return redirect;
 *
 * `returnTo` is where to come back after confirming: by default the current URL for a GET; for
 * a POST, the page that shows the form (the form is not re-sent automatically), by default the
 * Referer when it is a page of the same commune, else the account page.
 */
export function requireRecentAuthentication(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { returnTo?: string } = {},
): FastifyReply | undefined {
  const actor = request.actor;
  if (!actor) throw new AppError('auth.required', 'sign-in required', 401);
  if (isRecentlyAuthenticated(actor)) return undefined;
  const commune = request.commune;
  const isPage = !request.url.startsWith('/api/') && !(request.headers.accept ?? '').startsWith('application/json');
  if (!commune || !isPage) {
    throw new AppError('auth.step_up_required', 'recent authentication required', 401, {
      userMessage: `Pour cette action, confirmez votre identité : reconnectez-vous (votre dernière authentification date de plus de ${STEP_UP_MINUTES} minutes).`,
    });
  }
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  const returnTo =
    options.returnTo ?? (isRead ? request.url : (refererPath(request, commune.slug) ?? `/c/${commune.slug}/compte`));
  return reply.redirect(stepUpUrl(commune, returnTo), 303);
}
