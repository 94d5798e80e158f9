/**
 * Secrets a commune's administrator types (a mailbox's password) sealed at rest: AES-256-GCM under
 * a key derived with HKDF-SHA256 from the instance's master key (GUICHET_SIGNATURE_MASTER_KEY, kept
 * outside the database) and the secret's purpose, so that a sealed mailbox password can never be
 * opened as a signature key or the other way round. Text format `gs1.<iv>.<tag>.<ciphertext>`
 * (base64url), versioned like the signature keys' `gk1` (decision 0045).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'gs1';

export class SealedSecretError extends Error {}

function keyFor(masterKey: Uint8Array, purpose: string): Buffer {
  if (masterKey.byteLength !== 32) throw new Error('the sealing master key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `guichet/secret/${purpose}`, 32));
}

/** Seals a secret for one purpose (e.g. 'courrier-imap'); each call uses a fresh random 96-bit IV. */
export function sealSecret(plain: string, masterKey: Uint8Array, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(masterKey, purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(
    '.',
  );
}

/** Opens a sealed secret; another master key, another purpose or an altered text throws SealedSecretError. */
export function openSecret(sealed: string, masterKey: Uint8Array, purpose: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealedSecretError('unknown sealed secret format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(masterKey, purpose), Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SealedSecretError('sealed secret cannot be opened', { cause });
  }
}
