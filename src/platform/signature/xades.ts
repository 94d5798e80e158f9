import type { SignerCredentials } from './types.js';

/** Signs each Bordereau of a PES V2 Aller file with one enveloped XAdES signature. */
export async function signPesAller(
  _xml: string,
  _signer: SignerCredentials,
  _opts?: { signingTime?: Date },
): Promise<string> {
  throw new Error('not implemented yet');
}

/** Verifies the per-bordereau signatures of a PES V2 Aller file. */
export async function verifyPesAller(
  _xml: string,
  _trustedCaPems: string[],
): Promise<{ bordereaux: number; valid: number; errors: string[] }> {
  throw new Error('not implemented yet');
}
