/**
 * The internal certification authority of a commune: a self-signed root (RSA 3072, SHA-256) that
 * issues signing certificates (RSA 2048) to its agents and elected officials, and signs the CRL
 * Guichet publishes. These certificates make advanced electronic signatures (eIDAS art. 26), not
 * qualified ones: the CA is not a qualified trust service and the keys are not in a QSCD
 * (docs/decisions/0021-signature-machinery.md).
 */

import { Integer } from 'asn1js';
import { exportPrivateKeyPem, importPrivateKey, RSA_SHA256, randomSerialHex, subtle, x509 } from './crypto-kit.js';
import type { CertificateAuthority, SignerCredentials } from './types.js';

const DAY_MS = 86_400_000;
/** id-kp-documentSigning (RFC 9336). */
const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const OID_CRL_NUMBER = '2.5.29.20';

async function rsaKeyPair(bits: 2048 | 3072): Promise<CryptoKeyPair> {
  return (await subtle.generateKey({ ...RSA_SHA256, modulusLength: bits }, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/**
 * Creates the CA of a commune: a self-signed root certificate named « Autorité de certification
 * interne — <commune> », valid `validYears` (default 10) from `now`.
 */
export async function createCommuneCa(input: {
  communeName: string;
  validYears?: number;
  now?: Date;
}): Promise<CertificateAuthority> {
  const now = input.now ?? new Date();
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (input.validYears ?? 10));
  const keys = await rsaKeyPair(3072);
  const name: x509.JsonName = [
    { C: ['FR'] },
    { O: [input.communeName] },
    { CN: [`Autorité de certification interne — ${input.communeName}`] },
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    keys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: cert.toString('pem'), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * Issues a signing certificate for one person: subject CN = full name, title, O = commune, e-mail
 * in subjectAltName; key usage digitalSignature + nonRepudiation; extended key usages e-mail
 * protection (what NSS/pdfsig check for a document signer) and document signing. Valid `validDays`
 * (default 730) from `now`. `crlUrl`, when given, goes in a CRL distribution point.
 */
export async function issueSigningCertificate(
  ca: CertificateAuthority,
  input: {
    fullName: string;
    email: string;
    title?: string;
    communeName: string;
    validDays?: number;
    now?: Date;
    crlUrl?: string;
  },
): Promise<SignerCredentials & { serialNumberHex: string; notBefore: Date; notAfter: Date }> {
  const now = input.now ?? new Date();
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const caKey = await importPrivateKey(ca.privateKeyPem);
  const keys = await rsaKeyPair(2048);
  const serialNumberHex = randomSerialHex();
  // Whole seconds: X.509 times have no fraction, so the returned dates match the certificate.
  const notBefore = new Date(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
  const notAfter = new Date(Math.floor((now.getTime() + (input.validDays ?? 730) * DAY_MS) / 1000) * 1000);
  const subject: x509.JsonName = [
    { C: ['FR'] },
    { O: [input.communeName] },
    ...(input.title ? [{ '2.5.4.12': [input.title] }] : []),
    { CN: [input.fullName] },
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, EKU_DOCUMENT_SIGNING], false),
    new x509.SubjectAlternativeNameExtension([{ type: 'email', value: input.email }], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (input.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([input.crlUrl]));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumberHex,
    subject,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: RSA_SHA256,
    extensions,
  });
  return {
    privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
    certificatePem: cert.toString('pem'),
    chainPem: [ca.certificatePem],
    serialNumberHex,
    notBefore,
    notAfter,
  };
}

/** A DER X.509 v2 CRL signed by the CA, listing the revoked serial numbers, with a CRL number. */
export async function buildCrl(
  ca: CertificateAuthority,
  revoked: { serialNumberHex: string; revokedAt: Date }[],
  input: { thisUpdate: Date; nextUpdate: Date; crlNumber: number },
): Promise<Uint8Array> {
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const caKey = await importPrivateKey(ca.privateKeyPem);
  const crlNumber = new Integer({ value: input.crlNumber }).toBER(false);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCert.subject,
    thisUpdate: input.thisUpdate,
    nextUpdate: input.nextUpdate,
    signingKey: caKey,
    signingAlgorithm: RSA_SHA256,
    entries: revoked.map((r) => ({ serialNumber: r.serialNumberHex, revocationDate: r.revokedAt })),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      new x509.Extension(OID_CRL_NUMBER, false, crlNumber),
    ],
  });
  return new Uint8Array(crl.rawData);
}
