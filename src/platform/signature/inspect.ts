import type { PdfSignatureReport } from './types.js';

/** Reports every signature of a PDF; [] when it has none; SignatureInputError for a non-PDF. */
export async function inspectPdfSignatures(_pdf: Uint8Array, _trustedCaPems: string[]): Promise<PdfSignatureReport[]> {
  throw new Error('not implemented yet');
}
