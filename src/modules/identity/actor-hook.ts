/**
 * Resolves the actor of each request from the session cookie: the account, its roles in the
 * request's commune and the state of its second factor. Runs after commune resolution.
 */
import type { FastifyInstance } from 'fastify';
import { type Actor, STAFF_ROLES } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { withInstance, withTenant } from '../../platform/db/tenant.js';
import { hasSecondFactor, membershipsInCommune } from './repo.js';
import { findLiveSession } from './sessions.js';
import { SESSION_COOKIE } from './settings.js';

export function registerActorHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.policy === 'infrastructure') return;
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 200) return;
    const commune = request.commune;
    const load = commune
      ? (work: Parameters<typeof withInstance>[1]) => withTenant(ctx.database, commune.id, work)
      : (work: Parameters<typeof withInstance>[1]) => withInstance(ctx.database, work);
    request.actor = (await load(async (tx) => {
      const live = await findLiveSession(tx, token);
      if (!live) return null;
      const memberships = commune ? await membershipsInCommune(tx, commune.id, live.account.id) : [];
      const roles = new Set(memberships.map((m) => m.role));
      const isStaffHere = live.account.isOperator || [...roles].some((r) => STAFF_ROLES.has(r));
      const hasFactor = await hasSecondFactor(tx, live.account.id);
      const graceOver = live.account.mfaRequiredFrom !== null && live.account.mfaRequiredFrom <= new Date();
      const actor: Actor = {
        accountId: live.account.id,
        sessionId: live.session.id,
        email: live.account.email,
        displayName: `${live.account.givenName} ${live.account.familyName}`.trim() || live.account.email,
        isOperator: live.account.isOperator,
        roles,
        serviceIds: new Set(memberships.flatMap((m) => m.serviceIds)),
        mfaVerified: live.session.mfaVerifiedAt !== null,
        mfaRequiredNow: hasFactor || (isStaffHere && graceOver),
        // Administrators and operators: a second factor before any staff page, no grace period.
        mfaSetupRequired: !hasFactor && (live.account.isOperator || roles.has('admin')),
        reauthenticatedAt: live.session.reauthenticatedAt,
      };
      return actor;
    })) as Actor | null;
  });
}
