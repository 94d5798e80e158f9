/**
 * Private keys at rest: AES-256-GCM under a 32-byte master key, in a versioned text format
 * `gk1.<iv b64url>.<tag b64url>.<ciphertext b64url>` so the format can change later without
 * ambiguity. The master key lives outside the database (configuration), never in it.
 */
import { openWith, SealedSecretError, sealWith } from '../secrets/seal.js';
import { SignatureInputError } from './errors.js';

const VERSION = 'gk1';
const AAD = Buffer.from('guichet/private-key/v1');

function checkMasterKey(masterKey: Uint8Array): void {
  if (masterKey.byteLength !== 32) throw new Error('the key-sealing master key must be 32 bytes');
}

/** Seals a PEM private key; each call uses a fresh random 96-bit IV. */
export function encryptPrivateKey(pem: string, masterKey: Uint8Array): string {
  checkMasterKey(masterKey);
  return sealWith(VERSION, masterKey, AAD, pem);
}

/** Opens a sealed key; a wrong master key or an altered text throws SignatureInputError. */
export function decryptPrivateKey(sealed: string, masterKey: Uint8Array): string {
  checkMasterKey(masterKey);
  try {
    return openWith(VERSION, masterKey, AAD, sealed);
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    if (error.unknownFormat) {
      throw new SignatureInputError('La clé privée enregistrée est dans un format inconnu.', 'key_seal.format');
    }
    throw new SignatureInputError(
      'La clé privée enregistrée ne peut pas être ouverte : la clé maîtresse ne correspond pas ou la donnée a été altérée.',
      'key_seal.open',
      { cause: error.cause },
    );
  }
}
