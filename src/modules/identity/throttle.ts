/**
 * Brute-force protection for sign-in and other credential checks, stored in the database so it
 * holds across web processes: per account and per network (client address truncated), a
 * progressive delay from the third failure, then a temporary lockout that doubles each time.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { IDENTITY_SETTINGS as S } from './settings.js';

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

export function accountKey(accountIdOrEmail: string): string {
  return `account:${accountIdOrEmail.toLowerCase()}`;
}

export function networkKey(truncatedAddress: string | undefined): string {
  return `network:${truncatedAddress ?? 'inconnu'}`;
}

/** The current lockout of a key, if any. */
export async function lockedUntil(tx: Tx, key: string): Promise<Date | null> {
  const { rows } = await tx.client.query<{ locked_until: Date | null }>(
    'SELECT locked_until FROM auth_throttle WHERE key = $1 AND locked_until > now()',
    [key],
  );
  return rows[0]?.locked_until ?? null;
}

/**
 * Records a failure. When the count reaches `threshold`, locks the key for lockoutMinutes ×
 * 2^(lockouts so far), capped at lockoutMaxMinutes.
 */
export async function recordFailure(tx: Tx, key: string, threshold: number): Promise<ThrottleState> {
  const { rows } = await tx.client.query<{ failures: number; locked_until: Date | null }>(
    `INSERT INTO auth_throttle AS t (key, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.last_failure_at < now() - interval '24 hours' THEN 1 ELSE t.failures + 1 END,
       last_failure_at = now()
     RETURNING failures, locked_until`,
    [key],
  );
  const state = rows[0]!;
  if (state.failures >= threshold && state.failures % threshold === 0) {
    const lockouts = state.failures / threshold - 1;
    const minutes = Math.min(S.lockoutMinutes * 2 ** lockouts, S.lockoutMaxMinutes);
    const locked = await tx.client.query<{ locked_until: Date }>(
      `UPDATE auth_throttle SET locked_until = now() + make_interval(mins => $2) WHERE key = $1 RETURNING locked_until`,
      [key, minutes],
    );
    return { failures: state.failures, lockedUntil: locked.rows[0]!.locked_until };
  }
  return { failures: state.failures, lockedUntil: state.locked_until };
}

export async function clearFailures(tx: Tx, key: string): Promise<void> {
  await tx.client.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
}

/** Delay to apply before answering a failed attempt (slows guessing without locking out). */
export function progressiveDelayMs(failures: number): number {
  if (failures < 3) return 0;
  return Math.min(failures * S.delayStepMs, S.delayMaxMs);
}
