/**
 * What the pages of a démarche share on the HTTP side: the addresses and parameters of the flow,
 * who owns the draft (the account, or an anonymous visitor's cookie token) and the audience check
 * of démarches reserved to signed-in citizens.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { POLICIES } from '../../../platform/authz/policies.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import type { Procedure } from '../../procedures/index.js';
import { DRAFT_COOKIE_DAYS } from '../demarche-flow.js';
import type { DraftOwner } from '../repo.js';

const DRAFT_COOKIE = 'guichet_brouillon';

export const slugParams = z.object({ slug: z.string().max(63) }).strict();
export const procedureParams = z.object({ slug: z.string().max(63), procedure: z.string().max(80) }).strict();
export const pageParams = z
  .object({ slug: z.string().max(63), procedure: z.string().max(80), page: z.string().max(80) })
  .strict();
export const pageQuery = z.object({ retour: z.enum(['verifier']).optional() }).strict();

/** The address of a démarche's start page; its steps are below it. */
export function flowBase(commune: Commune, slug: string): string {
  return `/c/${commune.slug}/demarches/${slug}`;
}

/** The draft's owner: the account, or the anonymous visitor's cookie token (if any). */
export function draftOwner(request: FastifyRequest): DraftOwner | null {
  if (request.actor) return { accountId: request.actor.accountId };
  const token = request.cookies[DRAFT_COOKIE];
  return token && /^[A-Za-z0-9_-]{40,60}$/.test(token) ? { tokenHash: hashToken(token) } : null;
}

/** An owner for a new draft: the account, or a new cookie token for an anonymous visitor. */
export function ensureDraftOwner(request: FastifyRequest, reply: FastifyReply): DraftOwner {
  const existing = draftOwner(request);
  if (existing) return existing;
  const token = newToken();
  reply.setCookie(DRAFT_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: 'auto',
    path: `/c/${request.commune!.slug}/`,
    maxAge: DRAFT_COOKIE_DAYS * 86_400,
  });
  return { tokenHash: hashToken(token) };
}

/**
 * Démarches for signed-in citizens only: who is not signed in goes to the sign-in page and comes
 * back (the same outcome as the `signedIn` route policy); a POST is refused with a 401. Returns
 * true when the reply is sent.
 */
export function refuseAudience(request: FastifyRequest, reply: FastifyReply, proc: Procedure): boolean {
  if (proc.audience !== 'signedIn') return false;
  const refusal = POLICIES.signedIn.check(request.actor, request);
  if (!refusal) return false;
  const base = `/c/${request.commune!.slug}`;
  if (request.method !== 'GET') throw new AppError('auth.required', 'sign-in required for this procedure', 401);
  const target = refusal === 'sign_in' ? `${base}/connexion` : `${base}/compte/double-authentification`;
  reply.redirect(`${target}?retour=${encodeURIComponent(request.url)}`, 303);
  return true;
}
