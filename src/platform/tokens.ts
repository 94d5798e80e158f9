/**
 * Opaque secrets handed out once (session cookies, e-mailed links, single-use processing links,
 * API tokens): 256 random bits, stored only as their SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
