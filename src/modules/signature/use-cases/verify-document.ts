/**
 * The public verification of a PDF (anyone, without signing in): every signature it carries —
 * who signed, when, at which PAdES level, whether the signed bytes are intact and nothing but
 * validation data was added after, whether the certificate chains to this commune's authority,
 * and whether the commune revoked it. Reads only; nothing of the file is kept.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import {
  inspectPdfSignatures,
  type PdfSignatureReport,
  SignatureInputError,
} from '../../../platform/signature/index.js';
import { listCertificates } from '../repo.js';

export interface VerifiedSignature extends PdfSignatureReport {
  /** The certificate was issued by this commune's authority (or imported into its parapheur). */
  issuedByCommune: boolean;
  /** When the commune revoked the certificate, if it did. */
  revokedAt: Date | null;
}

const serialKey = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, '');

/** The signatures of `pdf` as the commune sees them; 422 with a French message for a non-PDF. */
export async function verifyDocument(ctx: AppContext, communeId: string, pdf: Buffer): Promise<VerifiedSignature[]> {
  const certificates = await withTenant(ctx.database, communeId, (tx) => listCertificates(tx, communeId));
  const authorities = certificates.filter((c) => c.kind === 'ca').map((c) => c.certificatePem);
  const reports = await inspectPdfSignatures(pdf, authorities).catch((error: unknown) => {
    if (error instanceof SignatureInputError) {
      throw new AppError('signature.not_pdf', error.message, 422, {
        userMessage: error.frenchMessage,
        fields: { document: error.frenchMessage },
      });
    }
    throw error;
  });
  const bySerial = new Map(certificates.filter((c) => c.kind !== 'ca').map((c) => [serialKey(c.serialHex), c]));
  return reports.map((report) => {
    const known = bySerial.get(serialKey(report.certificateSerialHex));
    return { ...report, issuedByCommune: !!known && report.trusted, revokedAt: known?.revokedAt ?? null };
  });
}
