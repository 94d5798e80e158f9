import type { SignatureAppearance, SignerCredentials, TimestampAuthority } from './types.js';

export interface SignPdfInput {
  signer: SignerCredentials;
  reason: string;
  location?: string;
  contactInfo?: string;
  signingTime?: Date;
  appearance?: SignatureAppearance;
  timestamp?: TimestampAuthority;
  crls?: Uint8Array[];
}

export async function signPdf(
  _pdf: Uint8Array,
  _input: SignPdfInput,
): Promise<{ pdf: Uint8Array; level: 'B-B' | 'B-T' | 'B-LT' }> {
  throw new Error('not implemented yet');
}
