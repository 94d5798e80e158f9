/**
 * Private keys at rest: AES-256-GCM under a 32-byte master key, in a versioned text format
 * `gk1.<iv b64url>.<tag b64url>.<ciphertext b64url>` so the format can change later without
 * ambiguity. The master key lives outside the database (configuration), never in it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SignatureInputError } from './errors.js';

const VERSION = 'gk1';
const AAD = Buffer.from('guichet/private-key/v1');

function checkMasterKey(masterKey: Uint8Array): void {
  if (masterKey.byteLength !== 32) throw new Error('the key-sealing master key must be 32 bytes');
}

/** Seals a PEM private key; each call uses a fresh random 96-bit IV. */
export function encryptPrivateKey(pem: string, masterKey: Uint8Array): string {
  checkMasterKey(masterKey);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(AAD);
  const ct = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
}

/** Opens a sealed key; a wrong master key or an altered text throws SignatureInputError. */
export function decryptPrivateKey(sealed: string, masterKey: Uint8Array): string {
  checkMasterKey(masterKey);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SignatureInputError('La clé privée enregistrée est dans un format inconnu.', 'key_seal.format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SignatureInputError(
      'La clé privée enregistrée ne peut pas être ouverte : la clé maîtresse ne correspond pas ou la donnée a été altérée.',
      'key_seal.open',
      { cause },
    );
  }
}
