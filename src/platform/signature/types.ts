/** Types shared by the signature machinery (see index.ts for the front door). */

/** What a signer signs with: PEM private key (PKCS#8), its certificate, and the chain up to the CA. */
export interface SignerCredentials {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), RSA. Seal it with `encryptPrivateKey` before storing it. */
  privateKeyPem: string;
  /** The signer's X.509 certificate, PEM. */
  certificatePem: string;
  /** Issuer certificates (intermediate first, root last), PEM; may be empty. */
  chainPem: string[];
}

/** A certification authority: its self-signed certificate and private key (PKCS#8 PEM). */
export interface CertificateAuthority {
  certificatePem: string;
  privateKeyPem: string;
}

/** A visible signature block. */
export interface SignatureAppearance {
  /** 0-based page index; default: the last page. */
  page?: number;
  /** [x, y, width, height] in PDF points from the page's bottom left; default: bottom right. */
  rect?: [x: number, y: number, width: number, height: number];
  /** Lines of text, e.g. ['Signé par Jeanne Martin', 'Pour le maire, absent, par délégation', 'le 01/12/2026 à 14:05']. */
  lines: string[];
}

/** An RFC 3161 timestamp authority reached over HTTP (`application/timestamp-query`). */
export interface TimestampAuthority {
  /** http:// or https:// address configured by an admin. */
  url: string;
  /** Milliseconds before giving up; default 10 000. */
  timeoutMs?: number;
  /** Optional Basic auth or bearer headers the TSA requires (never logged). */
  headers?: Record<string, string>;
}

/** What `inspectPdfSignatures` says about one signature of a PDF. */
export interface PdfSignatureReport {
  /** Common name of the signing certificate's subject. */
  signerName: string;
  /** E-mail of the signing certificate (subjectAltName or emailAddress), if any. */
  signerEmail: string | null;
  /** The time stamped by the TSA when timestamped, else the claimed time (/M), else null. */
  signingTime: Date | null;
  /** A signature-time-stamp token is present and its imprint matches the signature. */
  timestamped: boolean;
  /** PAdES baseline level: B-B; B-T with a valid timestamp; B-LT when the document also carries CRLs or OCSP responses (DSS). */
  level: 'B-B' | 'B-T' | 'B-LT';
  /** The bytes covered by /ByteRange hash to the signed message-digest and the CMS signature verifies. */
  intact: boolean;
  /** The byte range covers the whole file (no later change); false for an earlier signature followed by more updates. */
  coversWholeDocument: boolean;
  /** The signing certificate chains to one of the given CA certificates (signatures checked). */
  trusted: boolean;
  /** Serial number of the signing certificate, lower-case hex. */
  certificateSerialHex: string;
  /** /SubFilter of the signature dictionary, e.g. `ETSI.CAdES.detached`. */
  subFilter: string | null;
  /** /Reason, if any. */
  reason: string | null;
}
