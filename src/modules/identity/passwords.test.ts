import { hash, parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  ARGON2_PARAMETERS,
  DUMMY_HASH,
  hashPassword,
  MAX_PASSWORD_CODE_POINTS,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.js';

// Each Argon2id operation with the real parameters costs ~5–50 ms: hash once, reuse.
const PASSWORD = 'Pivoine-Tracteur-Lagune-Hibou-2031';

describe('hashPassword / verifyPassword', () => {
  it('round-trips, with the current parameters in the PHC string', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
    expect(await verifyPassword(stored, 'Pivoine-Tracteur-Lagune-Hibou-2032')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
  });

  it('normalises to NFC: « é » precomposed and decomposed are the same password', async () => {
    const stored = await hashPassword('Pivoine-\u00e9t\u00e9-Lagune-2031');
    expect(await verifyPassword(stored, 'Pivoine-e\u0301te\u0301-Lagune-2031')).toBe(true);
  });

  it.each([
    ['empty string', ''],
    ['not a hash', 'motdepasse'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuu5c3iN8h0WqJQ1dLk3g6yqXqCwWJ3Q3K'],
    ['truncated', '$argon2id$v=19$m=19456,t=2,p=1$P3a2A41MNJFCt0A40ZgvKg$'],
    [
      'garbage parameters',
      '$argon2id$v=19$m=abc,t=2,p=1$P3a2A41MNJFCt0A40ZgvKg$xTxZRM5MwDaI9tVat95v3G7mfpsLBLrAMYI0zickJQc',
    ],
    [
      'absurd memory cost',
      '$argon2id$v=19$m=4294967295,t=2,p=1$P3a2A41MNJFCt0A40ZgvKg$xTxZRM5MwDaI9tVat95v3G7mfpsLBLrAMYI0zickJQc',
    ],
  ])('never throws on a malformed hash (%s): returns false', async (_label, stored) => {
    await expect(verifyPassword(stored, PASSWORD)).resolves.toBe(false);
  });

  it('never throws on non-string input', async () => {
    await expect(verifyPassword(undefined as unknown as string, PASSWORD)).resolves.toBe(false);
    await expect(verifyPassword(DUMMY_HASH, null as unknown as string)).resolves.toBe(false);
  });

  it(`refuses to hash an empty password or one over ${MAX_PASSWORD_CODE_POINTS} code points`, async () => {
    await expect(hashPassword('')).rejects.toThrow(RangeError);
    await expect(hashPassword('a'.repeat(MAX_PASSWORD_CODE_POINTS + 1))).rejects.toThrow(RangeError);
    // 256 astral characters are 512 UTF-16 units but 256 code points: accepted.
    const stored = await hashPassword('🦊'.repeat(MAX_PASSWORD_CODE_POINTS));
    expect(await verifyPassword(stored, '🦊'.repeat(MAX_PASSWORD_CODE_POINTS))).toBe(true);
    expect(await verifyPassword(stored, '🦊'.repeat(MAX_PASSWORD_CODE_POINTS + 1))).toBe(false);
  });
});

describe('anti-enumeration dummy', () => {
  it('DUMMY_HASH uses the current parameters, so it costs what a real verification costs', () => {
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    expect(parseOptions(DUMMY_HASH)).toMatchObject({
      algorithm: ARGON2_PARAMETERS.algorithm,
      memoryCost: ARGON2_PARAMETERS.memoryCost,
      timeCost: ARGON2_PARAMETERS.timeCost,
      parallelism: ARGON2_PARAMETERS.parallelism,
    });
  });

  it('verifyAgainstDummy always answers false, whatever the input', async () => {
    expect(await verifyAgainstDummy(PASSWORD)).toBe(false);
    expect(await verifyAgainstDummy('')).toBe(false);
  });
});

describe('needsRehash', () => {
  // Weak hashes are cheap to make: m=1024 KiB, t=1.
  it.each([
    ['lower memory', { memoryCost: 1024, timeCost: 2, parallelism: 1 }],
    ['fewer iterations', { memoryCost: 19456, timeCost: 1, parallelism: 1 }],
    ['argon2i instead of argon2id', { algorithm: 1, memoryCost: 19456, timeCost: 2, parallelism: 1 }],
    ['shorter output', { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 16 }],
    ['shorter salt', { memoryCost: 19456, timeCost: 2, parallelism: 1, salt: new Uint8Array(8).fill(7) }],
    ['old version 0x10', { memoryCost: 19456, timeCost: 2, parallelism: 1, version: 0 }],
  ] as const)('true with %s', async (_label, options) => {
    const weak = await hash(PASSWORD, options);
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword(weak, PASSWORD)).toBe(true);
  });

  it('false with stronger parameters than the current ones', async () => {
    const stronger = await hash(PASSWORD, { algorithm: 2, memoryCost: 19456 * 2, timeCost: 3, parallelism: 1 });
    expect(needsRehash(stronger)).toBe(false);
  });

  it.each(['', 'motdepasse', '$argon2id$v=19$m=19456'])('true for what cannot be parsed (%j)', (stored) => {
    expect(needsRehash(stored)).toBe(true);
  });
});
