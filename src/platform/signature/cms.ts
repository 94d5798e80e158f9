/**
 * CMS SignedData for PAdES (ETSI EN 319 142-1 baseline, CAdES-detached): built with pkijs/asn1js,
 * signed with node:crypto. pkijs has no class for ESS signing-certificate-v2 (RFC 5035), so that
 * attribute is written here with asn1js; the signed attributes are sorted as DER requires for a
 * SET OF, because verifiers (OpenSSL among them) re-encode them before checking the signature.
 */
import { createHash, createPrivateKey, type KeyObject, sign as nodeSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromPem, toArrayBuffer } from './crypto-kit.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStamp: '1.2.840.113549.1.9.16.2.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(der));
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** ESS signing-certificate-v2 value: one ESSCertIDv2 (SHA-256 default, so no hashAlgorithm) with issuerSerial. */
function signingCertificateV2(certDer: Uint8Array, cert: pkijs.Certificate): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 4 }, // [4] directoryName, EXPLICIT (Name is a CHOICE)
            value: [cert.issuer.toSchema()],
          }),
        ],
      }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(sha256(certDer)) }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

function derOf(attr: pkijs.Attribute): Uint8Array {
  return new Uint8Array(attr.toSchema().toBER(false));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A parsed signer, cached per PEM so batch signing does not re-parse the same certificate and key. */
export interface PreparedSigner {
  key: KeyObject;
  certDer: Uint8Array;
  cert: pkijs.Certificate;
  chain: pkijs.Certificate[];
  /** The SignedData `[0] IMPLICIT` certificates field (signer then chain), DER, encoded once. */
  certificatesField: Uint8Array;
  /** The signer's IssuerAndSerialNumber and signing-certificate-v2 attribute, DER, encoded once. */
  sidDer: Uint8Array;
  signingCertificateAttrDer: Uint8Array;
}

/** A DER length. */
function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A DER TLV with `tag` around the concatenated `parts`. */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Buffer.concat([Uint8Array.of(tag), derLength(body.length), body]);
}

const der = (schema: { toBER(sizeOnly?: boolean): ArrayBuffer }) => new Uint8Array(schema.toBER(false));

/** DER that is the same in every signature, encoded once (asn1js is slow per object). */
const FIXED = {
  contentTypeAttr: derOf(
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
  ),
  messageDigestOid: der(new asn1js.ObjectIdentifier({ value: OID.messageDigest })),
  signatureTimeStampOid: der(new asn1js.ObjectIdentifier({ value: OID.signatureTimeStamp })),
  sha256Algorithm: der(new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }).toSchema()),
  sha256WithRsaAlgorithm: der(
    new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsa, algorithmParams: new asn1js.Null() }).toSchema(),
  ),
  dataOid: der(new asn1js.ObjectIdentifier({ value: OID.data })),
  signedDataOid: der(new asn1js.ObjectIdentifier({ value: OID.signedData })),
};

/** The message-digest attribute: SEQUENCE { OID, SET { OCTET STRING digest } }. */
function messageDigestAttr(digest: Uint8Array): Uint8Array {
  return tlv(0x30, FIXED.messageDigestOid, tlv(0x31, tlv(0x04, digest)));
}

/**
 * RSA PKCS#1 v1.5 over SHA-256 in libuv's thread pool (the callback form of crypto.sign): the
 * event loop is not blocked for the millisecond an RSA-2048 signature takes, and signatures of a
 * batch run on several cores when several are in flight.
 */
function rsaSign(data: Uint8Array, key: KeyObject): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    nodeSign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature))));
  });
}

const preparedCache = new Map<string, PreparedSigner>();

export function prepareSigner(privateKeyPem: string, certificatePem: string, chainPem: string[]): PreparedSigner {
  const cacheKey = `${certificatePem}\u0000${privateKeyPem}\u0000${chainPem.join('')}`;
  const hit = preparedCache.get(cacheKey);
  if (hit) return hit;
  const certDer = fromPem(certificatePem, 'CERTIFICATE');
  const chainDer = chainPem.map((p) => fromPem(p, 'CERTIFICATE'));
  const cert = parseCertificate(certDer);
  const prepared: PreparedSigner = {
    key: createPrivateKey(privateKeyPem),
    certDer,
    cert,
    chain: chainDer.map(parseCertificate),
    // The certificates as they are (never re-encoded: pkijs would re-parse each one per signature).
    certificatesField: tlv(0xa0, certDer, ...chainDer),
    sidDer: der(new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }).toSchema()),
    signingCertificateAttrDer: derOf(
      new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(certDer, cert)] }),
    ),
  };
  if (preparedCache.size > 64) preparedCache.clear();
  preparedCache.set(cacheKey, prepared);
  return prepared;
}

/**
 * Builds the detached CMS over `contentDigest` (SHA-256 of the signed bytes). `timestamp`, when
 * given, is called with the signature value and returns an RFC 3161 token (DER ContentInfo) that
 * goes in the signature-time-stamp unsigned attribute.
 */
export async function buildCadesDetached(
  signer: PreparedSigner,
  contentDigest: Uint8Array,
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  // Signed attributes, DER, sorted as a SET OF requires; only the message digest changes (the
  // other two and every algorithm identifier are encoded once, at module load: see FIXED).
  const attrs = [FIXED.contentTypeAttr, messageDigestAttr(contentDigest), signer.signingCertificateAttrDer].sort(
    compareBytes,
  );
  // The signature covers the DER of the attributes as an explicit SET OF (RFC 5652 §5.4).
  const signatureValue = await rsaSign(tlv(0x31, ...attrs), signer.key);
  let unsigned: Uint8Array = new Uint8Array();
  if (timestamp) {
    const token = await timestamp(signatureValue);
    const tokenAsn1 = asn1js.fromBER(toArrayBuffer(token));
    if (tokenAsn1.offset === -1) throw new Error('timestamp token is not DER');
    // [1] IMPLICIT SET OF Attribute: the signature-time-stamp with the token as it came.
    unsigned = tlv(0xa1, tlv(0x30, FIXED.signatureTimeStampOid, tlv(0x31, token)));
  }
  const sha256Algorithm = FIXED.sha256Algorithm;
  const signerInfo = tlv(
    0x30,
    Uint8Array.of(0x02, 0x01, 0x01), // version 1
    signer.sidDer,
    sha256Algorithm,
    tlv(0xa0, ...attrs), // [0] IMPLICIT signed attributes
    FIXED.sha256WithRsaAlgorithm,
    tlv(0x04, signatureValue),
    unsigned,
  );
  const signedData = tlv(
    0x30,
    Uint8Array.of(0x02, 0x01, 0x01), // version 1
    tlv(0x31, sha256Algorithm),
    tlv(0x30, FIXED.dataOid), // encapContentInfo, detached
    signer.certificatesField,
    tlv(0x31, signerInfo),
  );
  return tlv(0x30, FIXED.signedDataOid, tlv(0xa0, signedData));
}
