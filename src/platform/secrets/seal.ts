/**
 * Sealing at rest with AES-256-GCM, in a versioned text format `<version>.<iv>.<tag>.<ciphertext>`
 * (base64url) so the format can change later without ambiguity; the key lives outside the database.
 *
 * `sealWith` / `openWith` are the one implementation, used by the signature keys (`gk1`, sealed
 * directly under the master key, platform/signature/key-seal.ts) and by the secrets a commune's
 * administrator types (a mailbox's password, `gs1`): those are sealed under a key derived with
 * HKDF-SHA256 from the instance's master key (GUICHET_SIGNATURE_MASTER_KEY) and the secret's
 * purpose, so that a sealed mailbox password can never be opened as a signature key or the other
 * way round (decision 0045).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'gs1';

export class SealedSecretError extends Error {
  /** True when the text is not of the expected version (rather than sealed under another key). */
  readonly unknownFormat: boolean;
  constructor(message: string, unknownFormat: boolean, options?: ErrorOptions) {
    super(message, options);
    this.unknownFormat = unknownFormat;
  }
}

/** Seals `plain` under a 32-byte key with `aad` bound to it; each call uses a fresh random 96-bit IV. */
export function sealWith(version: string, key: Uint8Array, aad: Uint8Array, plain: string): string {
  if (key.byteLength !== 32) throw new Error('the sealing key must be 32 bytes');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [version, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(
    '.',
  );
}

/**
 * Opens what `sealWith` wrote; another version, another key, another AAD or an altered text
 * throws SealedSecretError (`unknownFormat` tells the first from the others).
 */
export function openWith(version: string, key: Uint8Array, aad: Uint8Array, sealed: string): string {
  if (key.byteLength !== 32) throw new Error('the sealing key must be 32 bytes');
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== version) {
    throw new SealedSecretError('unknown sealed secret format', true);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SealedSecretError('sealed secret cannot be opened', false, { cause });
  }
}

function keyFor(masterKey: Uint8Array, purpose: string): Buffer {
  if (masterKey.byteLength !== 32) throw new Error('the sealing master key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `guichet/secret/${purpose}`, 32));
}

/** Seals a secret for one purpose (e.g. 'courrier-imap'). */
export function sealSecret(plain: string, masterKey: Uint8Array, purpose: string): string {
  return sealWith(VERSION, keyFor(masterKey, purpose), Buffer.from(purpose), plain);
}

/** Opens a sealed secret; another master key, another purpose or an altered text throws SealedSecretError. */
export function openSecret(sealed: string, masterKey: Uint8Array, purpose: string): string {
  return openWith(VERSION, keyFor(masterKey, purpose), Buffer.from(purpose), sealed);
}
