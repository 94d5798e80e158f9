/**
 * Opaque secrets handed out once (session cookies, e-mailed links, single-use processing links,
 * API tokens): 256 random bits, stored only as their SHA-256.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether a secret presented by a caller (a bearer token, a header) is the configured one, in
 * constant time whatever the lengths (both are hashed first).
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}
