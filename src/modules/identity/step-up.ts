/**
 * The step-up page's use case: confirms the identity of the signed-in person (password or a
 * code of the authenticator app). The guard that sends people here is platform/authz/step-up.ts.
 */
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/journal.js';
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { clientInfo } from '../../platform/http/client-info.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { formatDateTime } from '../../platform/views/format.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { markReauthenticated } from './sessions.js';
import { IDENTITY_SETTINGS as S } from './settings.js';
import { accountKey, clearFailures, lockedUntil, progressiveDelayMs, recordFailure } from './throttle.js';
import { actorType, useTotpCode } from './totp.js';

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
