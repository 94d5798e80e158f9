/**
 * Proof of first opening of a convocation (issue 15 item 3): the link of each electronic
 * convocation carries a token of its own (only its SHA-256 is kept); the first time it is
 * followed — or the first time the élu shows the séance in their space — the instant is recorded
 * once, audited, and shown to the secretariat beside the proof of sending. Later openings change
 * nothing.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { hashToken } from '../../../platform/tokens.js';
import { findConvocationByToken, markConvocationOpened } from '../repo.js';

/** Follows a convocation's link: true when the token is one of the commune's convocations. */
export async function openConvocationLink(
  database: Database,
  communeId: string,
  token: string,
  now = new Date(),
): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
  return withTenant(database, communeId, async (tx) => {
    const convocation = await findConvocationByToken(tx, communeId, hashToken(token));
    if (!convocation) return false;
    if (await markConvocationOpened(tx, communeId, { id: convocation.id }, now, 'lien'))
      await auditOpening(tx, convocation.seanceId, convocation.memberId, 'lien', now);
    return true;
  });
}

/** The élu shows a séance in their space (inside the caller's transaction): a first opening if none yet. */
export async function openedInSpace(
  tx: Tx,
  communeId: string,
  seanceId: string,
  memberId: string,
  accountId: string,
  now: Date,
): Promise<void> {
  if (await markConvocationOpened(tx, communeId, { seanceId, memberId }, now, 'espace'))
    await auditOpening(tx, seanceId, memberId, 'espace', now, accountId);
}

async function auditOpening(
  tx: Tx,
  seanceId: string,
  memberId: string,
  via: 'lien' | 'espace',
  now: Date,
  accountId: string | null = null,
) {
  await recordAudit(tx, {
    action: 'council.convocation_opened',
    // The link is followed without a session (the mail's recipient); the space is the élu's account.
    actorType: accountId ? 'agent' : 'system',
    actorId: accountId,
    targetType: 'council_seance',
    targetId: seanceId,
    data: { memberId, via, openedAt: now.toISOString() },
    requestId: null,
  });
}
