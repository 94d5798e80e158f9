// Password hashing: Argon2id through @node-rs/argon2 (prebuilt, no toolchain needed).
//
// Passwords are normalised to Unicode NFC before hashing and verifying, so that « é » typed as
// one code point or as « e » + combining accent gives the same hash (NIST SP 800-63B §5.1.1.2
// asks verifiers to normalise). The policy itself lives in password-policy.ts.
import { hash, parseOptions, verify } from '@node-rs/argon2';

/**
 * Current Argon2id parameters: the OWASP Password Storage Cheat Sheet minimum for Argon2id
 * (m = 19 MiB = 19456 KiB, t = 2 iterations, p = 1), with a 32-byte output and a 16-byte salt
 * (the library default). https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
 * Raising any value here makes `needsRehash` true for older hashes, which are then upgraded
 * at the next successful login.
 *
 * `algorithm` and `version` are plain numbers: the package declares `Algorithm` and `Version`
 * as ambient `const enum`s, and at run time its exported `Algorithm`/`Version` objects are
 * empty, so `Algorithm.Argon2id` would be `undefined` without inlining.
 */
export const ARGON2_PARAMETERS = Object.freeze({
  /** Argon2id (`Algorithm.Argon2id` = 2). */
  algorithm: 2,
  /** Argon2 version 0x13 = 19 (`Version.V0x13` = 1). */
  version: 1,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const);

/** Minimum salt length accepted without rehash (bytes); the library generates 16. */
const MIN_SALT_BYTES = 16;

/**
 * Sanity bounds on the parameters read from a stored hash before verifying it: a corrupted
 * or tampered row claiming m = 4 GiB must not make a login allocate 4 GiB. Far above
 * ARGON2_PARAMETERS, so they leave room for future increases.
 */
const VERIFY_BOUNDS = Object.freeze({ memoryCost: 1_048_576, timeCost: 32, parallelism: 16 });

/**
 * Longest password accepted, in Unicode code points. Same bound as the policy's maximum
 * (password-policy.ts), kept here too so that hashing never works on unbounded input.
 */
export const MAX_PASSWORD_CODE_POINTS = 256;

/**
 * An Argon2id hash, with the current parameters, of a random secret that was thrown away.
 * Verifying against it costs exactly as much as verifying a real account's hash, and always
 * fails. Keep its parameters in step with ARGON2_PARAMETERS (a test checks `needsRehash`).
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$P3a2A41MNJFCt0A40ZgvKg$xTxZRM5MwDaI9tVat95v3G7mfpsLBLrAMYI0zickJQc';

function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/**
 * Hashes a password with the current Argon2id parameters. The password must already have
 * passed the policy (checkPassword); this only refuses empty or over-long input.
 * Returns a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 */
export async function hashPassword(password: string): Promise<string> {
  const normalised = password.normalize('NFC');
  if (normalised.length === 0) throw new RangeError('Le mot de passe est vide.');
  if (codePointLength(normalised) > MAX_PASSWORD_CODE_POINTS) {
    throw new RangeError(`Le mot de passe dépasse ${MAX_PASSWORD_CODE_POINTS} caractères.`);
  }
  return hash(normalised, { ...ARGON2_PARAMETERS });
}

/**
 * Checks a password against a stored hash. Never throws: a malformed, truncated or empty hash,
 * or one claiming absurd costs, gives `false` (after spending the time of a real verification,
 * so a broken row does not stand out), and so does a password longer than the policy allows.
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (typeof password !== 'string') return false;
  const normalised = password.normalize('NFC');
  if (codePointLength(normalised) > MAX_PASSWORD_CODE_POINTS) return false;
  if (!isVerifiableHash(storedHash)) return verifyAgainstDummy(normalised);
  try {
    return await verify(storedHash, normalised);
  } catch {
    return verifyAgainstDummy(normalised);
  }
}

function isVerifiableHash(storedHash: unknown): storedHash is string {
  if (typeof storedHash !== 'string' || !storedHash.startsWith('$argon2')) return false;
  try {
    const parsed = parseOptions(storedHash);
    return (
      parsed.memoryCost <= VERIFY_BOUNDS.memoryCost &&
      parsed.timeCost <= VERIFY_BOUNDS.timeCost &&
      parsed.parallelism <= VERIFY_BOUNDS.parallelism
    );
  } catch {
    return false;
  }
}

/**
 * Spends the time of one verification and returns `false`. Call it when the account does not
 * exist, so that « unknown e-mail » and « wrong password » take the same time (no account
 * enumeration through timing).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  try {
    await verify(DUMMY_HASH, typeof password === 'string' ? password.normalize('NFC') : '');
  } catch {
    // Cannot happen with a well-formed constant; the answer is `false` either way.
  }
  return false;
}

/**
 * True when the stored hash should be replaced by a fresh one after a successful login:
 * not Argon2id, an older Argon2 version, weaker memory/time/parallelism, a shorter output
 * or salt than the current parameters, or a hash that cannot be parsed at all.
 */
export function needsRehash(storedHash: string): boolean {
  if (typeof storedHash !== 'string') return true;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(storedHash);
  } catch {
    return true;
  }
  const current = ARGON2_PARAMETERS;
  return (
    parsed.algorithm !== current.algorithm ||
    parsed.version !== current.version ||
    parsed.memoryCost < current.memoryCost ||
    parsed.timeCost < current.timeCost ||
    parsed.parallelism < current.parallelism ||
    parsed.outputLen < current.outputLen ||
    parsed.saltLen < MIN_SALT_BYTES
  );
}
