/**
 * Opaque secrets handed out once (session cookies, e-mailed links, single-use processing links,
 * API tokens): 256 random bits, stored only as their SHA-256.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/**
 * A value vouched for by this instance in a link it hands out (e.g. the request number an
 * appointment is booked for): an HMAC-SHA256 of `purpose` and `value` under the instance's
 * secret, 128 bits in base64url. Whoever holds the link may use the value; nobody can forge one
 * for another value or another purpose.
 */
export function signReference(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${value}`).digest().subarray(0, 16).toString('base64url');
}

/** Whether `signature` is `signReference(secret, purpose, value)`, in constant time. */
export function verifyReference(secret: string, purpose: string, value: string, signature: string): boolean {
  return sameSecret(signature, signReference(secret, purpose, value));
}

const REQUEST_NUMBER_PURPOSE = 'numero-de-demande';
/** Without GUICHET_SECRET (embedded demo), a random secret per process, as for signed cookies. */
const PROCESS_SECRET = randomBytes(32).toString('hex');

function linkSecret(config: { secret?: string | undefined }): string {
  return config.secret || PROCESS_SECRET;
}

/**
 * The signature of a request number in a link that lets its holder act for that request in
 * another module (booking the appointment a démarche ends with): handed out on the request's
 * confirmation page only. Numbers restart in every commune: the commune is part of what is signed.
 */
export function signRequestNumber(config: { secret?: string | undefined }, communeId: string, number: string): string {
  return signReference(linkSecret(config), REQUEST_NUMBER_PURPOSE, `${communeId}:${number}`);
}

export function verifyRequestNumber(
  config: { secret?: string | undefined },
  communeId: string,
  number: string,
  signature: string,
): boolean {
  return verifyReference(linkSecret(config), REQUEST_NUMBER_PURPOSE, `${communeId}:${number}`, signature);
}

/**
 * The same instance-vouched signature for any module's link value, under its own `purpose` (e.g. the
 * request a satisfaction survey link is for): `signReference` under the instance's secret.
 */
export function signLinkValue(config: { secret?: string | undefined }, purpose: string, value: string): string {
  return signReference(linkSecret(config), purpose, value);
}

export function verifyLinkValue(
  config: { secret?: string | undefined },
  purpose: string,
  value: string,
  signature: string,
): boolean {
  return verifyReference(linkSecret(config), purpose, value, signature);
}
