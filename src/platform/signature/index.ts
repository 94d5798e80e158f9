/**
 * Front door of the signature machinery (issue 10): an internal CA per commune, PKCS#12 import,
 * keys sealed at rest, PAdES signatures (B-B, B-T with an RFC 3161 TSA, B-LT with the CRL in a
 * DSS) and their inspection, and enveloped XAdES signatures of PES V2 bordereaux. The parapheur
 * module (src/modules/signature/) builds on it; nothing here knows about tenants or the database.
 * Decision record: docs/decisions/0021-signature-machinery.md.
 *
 * - `createCommuneCa`, `issueSigningCertificate`, `buildCrl` — ca.ts
 * - `readPkcs12` — pkcs12.ts
 * - `encryptPrivateKey`, `decryptPrivateKey` — key-seal.ts
 * - `signPdf` — pades.ts (+ tsa.ts for B-T)
 * - `inspectPdfSignatures` — inspect.ts
 * - `signPesAller`, `verifyPesAller` — xades.ts; `readPesAller` (checks and summary of a PES file) — pes-summary.ts
 * - `RemoteSignatureProvider` — providers.ts (eIDAS QES providers; none configured by default)
 */
export { buildCrl, createCommuneCa, issueSigningCertificate } from './ca.js';
export { SignatureInputError } from './errors.js';
export { inspectPdfSignatures } from './inspect.js';
export { decryptPrivateKey, encryptPrivateKey } from './key-seal.js';
export { type SignPdfInput, signPdf } from './pades.js';
export { type PesBordereauSummary, type PesSummary, readPesAller } from './pes-summary.js';
export { readPkcs12 } from './pkcs12.js';
export { type RemoteSignatureProvider, remoteSignatureProviders } from './providers.js';
export type {
  CertificateAuthority,
  PdfSignatureReport,
  SignatureAppearance,
  SignerCredentials,
  TimestampAuthority,
} from './types.js';
export { signPesAller, verifyPesAller } from './xades.js';
