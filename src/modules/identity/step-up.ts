/**
 * Step-up (re-authentication) before sensitive actions: signing, role changes, exports of
 * personal data, changes to one's own second factor. A route calls
 *
 *     const redirect = requireRecentAuthentication(request, reply);
 *     if (redirect) return redirect;
 *
 * and, when the person last entered a credential more than IDENTITY_SETTINGS.stepUpMinutes ago,
 * is sent (303) to /c/<slug>/compte/confirmer-identite?retour=…, which asks for the password or a
 * code of the authenticator app, then comes back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/journal.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { formatDateTime } from '../../platform/views/format.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { markReauthenticated } from './sessions.js';
import { IDENTITY_SETTINGS as S } from './settings.js';
import { accountKey, clearFailures, lockedUntil, progressiveDelayMs, recordFailure } from './throttle.js';
import { actorType, clientInfo, useTotpCode } from './totp.js';

/** Path of the step-up page under /c/<slug>. */
export const STEP_UP_PATH = '/compte/confirmer-identite';

/** True when the person entered a credential in this session less than stepUpMinutes ago. */
export function isRecentlyAuthenticated(actor: Actor | null, now = Date.now()): boolean {
  if (!actor?.reauthenticatedAt) return false;
  return now - actor.reauthenticatedAt.getTime() < S.stepUpMinutes * 60_000;
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
      userMessage: `Pour cette action, confirmez votre identité : reconnectez-vous (votre dernière authentification date de plus de ${S.stepUpMinutes} minutes).`,
    });
  }
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  const returnTo =
    options.returnTo ?? (isRead ? request.url : (refererPath(request, commune.slug) ?? `/c/${commune.slug}/compte`));
  return reply.redirect(stepUpUrl(commune, returnTo), 303);
}

function fieldError(field: string, message: string, status = 422): AppError {
  return new AppError('auth.step_up_failed', 'step-up refused', status, {
    userMessage: message,
    fields: { [field]: message },
  });
}

/**
 * Confirms the identity of the signed-in person with their password, or with a code of their
 * authenticator app, and marks the session as re-authenticated. Failures are throttled like
 * sign-in failures (password: per account; code: the second-factor counter).
 */
export async function confirmIdentity(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  input: { method: 'password' | 'totp'; secret: string },
  request: FastifyRequest,
): Promise<void> {
  const succeed = async (tx: Tx, method: string) => {
    await markReauthenticated(tx, actor.sessionId);
    await recordAudit(tx, {
      action: 'auth.step_up',
      actorType: actorType(actor),
      actorId: actor.accountId,
      data: { ...clientInfo(request), method },
    });
  };

  if (input.method === 'totp') {
    await useTotpCode(ctx, commune, actor, request, input.secret, { factor: 'confirmed', purpose: 'step_up' }, (tx) =>
      succeed(tx, 'totp'),
    );
    return;
  }

  if (!input.secret) throw fieldError('password', 'Saisissez votre mot de passe.');
  if (input.secret.length > 1024) throw fieldError('password', 'Mot de passe incorrect.');
  const key = accountKey(actor.email);
  const before = await withTenant(ctx.database, commune.id, async (tx) => {
    const { rows } = await tx.client.query<{ password_hash: string | null }>(
      'SELECT password_hash FROM account WHERE id = $1',
      [actor.accountId],
    );
    return { locked: await lockedUntil(tx, key), hash: rows[0]?.password_hash ?? null };
  });
  if (before.locked) {
    throw fieldError('password', `Trop de tentatives : réessayez après le ${formatDateTime(before.locked)}.`, 429);
  }
  const ok = before.hash ? await verifyPassword(before.hash, input.secret) : await verifyAgainstDummy(input.secret);
  const outcome = await withTenant(ctx.database, commune.id, async (tx) => {
    if (ok) {
      await clearFailures(tx, key);
      await succeed(tx, 'password');
      return null;
    }
    const state = await recordFailure(tx, key, S.lockoutAfterFailures);
    await recordAudit(tx, {
      action: state.lockedUntil ? 'auth.locked' : 'auth.step_up_failed',
      actorType: actorType(actor),
      actorId: actor.accountId,
      data: { ...clientInfo(request), method: 'password', failures: state.failures },
    });
    return state;
  });
  if (!outcome) return;
  const delay = progressiveDelayMs(outcome.failures);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  if (outcome.lockedUntil && outcome.lockedUntil > new Date()) {
    throw fieldError(
      'password',
      `Trop de tentatives : réessayez après le ${formatDateTime(outcome.lockedUntil)}.`,
      429,
    );
  }
  throw fieldError('password', 'Mot de passe incorrect.');
}
