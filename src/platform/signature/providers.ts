/**
 * Remote qualified signature (eIDAS QES) providers. Guichet's internal CA makes advanced
 * signatures (AdES); a commune that needs qualified ones plugs in a qualified trust service
 * provider that holds the signer's key in a remote QSCD (the Cloud Signature Consortium API is the
 * common protocol). None is configured by default and none ships: this is the contract one must
 * meet.
 *
 * Flow: `signPdf` prepares the PDF and its signed attributes as usual, but instead of a local key
 * it asks the provider for the certificate chain (`getCredentials`) and then for a raw signature
 * of the DER signed attributes' SHA-256 (`signHash`), after the provider's own authorisation of the
 * signer (OTP, app), which is why `signHash` is asynchronous and may take minutes.
 */
export interface RemoteSignatureProvider {
  /** Stable id, e.g. `csc:<host>`. */
  readonly id: string;
  /** Name shown to agents, e.g. « Prestataire qualifié X ». */
  readonly label: string;
  /** Whether the provider's signatures are qualified (QES) per its entry in the EU trusted list. */
  readonly qualified: boolean;
  /** The signer's certificate and chain at the provider (PEM), for the account `signerRef`. */
  getCredentials(signerRef: string): Promise<{ certificatePem: string; chainPem: string[] }>;
  /**
   * Signs a SHA-256 digest with the signer's remote key (RSASSA-PKCS1-v1_5 or ECDSA per the
   * certificate) and returns the raw signature value.
   */
  signHash(signerRef: string, sha256: Uint8Array, context: { documentLabel: string }): Promise<Uint8Array>;
}

/** The registry of configured providers; empty unless an admin configured one. */
export const remoteSignatureProviders: ReadonlyMap<string, RemoteSignatureProvider> = new Map();
