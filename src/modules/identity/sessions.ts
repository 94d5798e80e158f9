/**
 * Server-side sessions. The cookie holds 32 random bytes; the database holds their SHA-256, so
 * a stolen copy of the table gives no usable session. New session at sign-in and at privilege
 * change; idle and absolute timeouts; list, revoke one, revoke all.
 */

import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import { truncateAddress } from '../../platform/http/logger.js';
import { hashToken, newToken } from '../../platform/tokens.js';
import { type Account, account, type Session, session } from './schema.js';
import { IDENTITY_SETTINGS, SESSION_COOKIE } from './settings.js';

export type AuthMethod = 'password' | 'passkey' | 'franceconnect' | 'proconnect';

/** Creates a session and returns the cookie token (shown once, never stored). */
export async function createSession(
  tx: Tx,
  accountId: string,
  method: AuthMethod,
  request: FastifyRequest,
  options: { mfaVerified: boolean },
): Promise<{ token: string; session: Session }> {
  // Signing in again in the same browser ends the session it had (issue 8, finding 10).
  const previous = request.cookies?.[SESSION_COOKIE];
  if (previous && previous.length <= 200) {
    await tx.db
      .update(session)
      .set({ revokedAt: new Date() })
      .where(and(eq(session.tokenHash, hashToken(previous)), isNull(session.revokedAt)));
  }
  const token = newToken();
  const now = new Date();
  const [row] = await tx.db
    .insert(session)
    .values({
      id: uuidv7(),
      tokenHash: hashToken(token),
      accountId,
      expiresAt: new Date(now.getTime() + IDENTITY_SETTINGS.sessionAbsoluteHours * 3_600_000),
      mfaVerifiedAt: options.mfaVerified ? now : null,
      reauthenticatedAt: now,
      authMethod: method,
      clientAddress: truncateAddress(request.ip) ?? null,
      userAgent: (request.headers['user-agent'] ?? '').slice(0, 300),
    })
    .returning();
  await tx.db.update(account).set({ lastLoginAt: now }).where(eq(account.id, accountId));
  return { token, session: row! };
}

/** The live session of a cookie token with its account, or undefined. */
export async function findLiveSession(
  tx: Tx,
  token: string,
): Promise<{ session: Session; account: Account } | undefined> {
  const now = new Date();
  const idleLimit = new Date(now.getTime() - IDENTITY_SETTINGS.sessionIdleMinutes * 60_000);
  const rows = await tx.db
    .select({ session, account })
    .from(session)
    .innerJoin(account, eq(account.id, session.accountId))
    .where(
      and(
        eq(session.tokenHash, hashToken(token)),
        isNull(session.revokedAt),
        gt(session.expiresAt, now),
        gt(session.lastSeenAt, idleLimit),
        isNull(account.disabledAt),
      ),
    )
    .limit(1);
  const found = rows[0];
  if (!found) return undefined;
  if (now.getTime() - found.session.lastSeenAt.getTime() > IDENTITY_SETTINGS.sessionTouchSeconds * 1000) {
    await tx.db.update(session).set({ lastSeenAt: now }).where(eq(session.id, found.session.id));
  }
  return found;
}

export async function revokeSession(tx: Tx, accountId: string, sessionId: string): Promise<boolean> {
  const result = await tx.db
    .update(session)
    .set({ revokedAt: new Date() })
    .where(and(eq(session.id, sessionId), eq(session.accountId, accountId), isNull(session.revokedAt)))
    .returning({ id: session.id });
  return result.length === 1;
}

/** Revokes every session of an account, except `keep` if given. Returns how many. */
export async function revokeAllSessions(tx: Tx, accountId: string, keep?: string): Promise<number> {
  const result = await tx.db
    .update(session)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(session.accountId, accountId),
        isNull(session.revokedAt),
        keep ? sql`${session.id} <> ${keep}` : undefined,
      ),
    )
    .returning({ id: session.id });
  return result.length;
}

/** Live sessions of an account, newest first. */
export function listSessions(tx: Tx, accountId: string): Promise<Session[]> {
  return tx.db
    .select()
    .from(session)
    .where(and(eq(session.accountId, accountId), isNull(session.revokedAt), gt(session.expiresAt, new Date())))
    .orderBy(desc(session.lastSeenAt));
}

export async function markMfaVerified(tx: Tx, sessionId: string): Promise<void> {
  const now = new Date();
  await tx.db.update(session).set({ mfaVerifiedAt: now, reauthenticatedAt: now }).where(eq(session.id, sessionId));
}

export async function markReauthenticated(tx: Tx, sessionId: string): Promise<void> {
  await tx.db.update(session).set({ reauthenticatedAt: new Date() }).where(eq(session.id, sessionId));
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.rotateCsrfSecret(token);
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: 'auto',
    path: '/',
    maxAge: IDENTITY_SETTINGS.sessionAbsoluteHours * 3600,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
