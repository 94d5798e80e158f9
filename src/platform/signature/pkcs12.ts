/**
 * PKCS#12 (.p12 / .pfx) import with node-forge: the file a signer brings from another CA. Modern
 * files (AES-256-CBC + PBKDF2, HMAC-SHA-256, OpenSSL 3's default) and legacy ones (3DES, RC2,
 * SHA-1) both open.
 */
import forge from 'node-forge';
import { SignatureInputError } from './errors.js';
import type { SignerCredentials } from './types.js';

const KEY_BAGS = [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!];

/** Reads a PKCS#12; throws SignatureInputError with a French message on every kind of bad input. */
export function readPkcs12(p12: Uint8Array, password: string): SignerCredentials {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
  } catch (cause) {
    throw new SignatureInputError(
      'Ce fichier n’est pas un certificat au format PKCS#12 (.p12 ou .pfx).',
      'pkcs12.not_pkcs12',
      { cause },
    );
  }
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : '';
    if (/MAC could not be verified|Invalid password|decrypt/i.test(msg)) {
      throw new SignatureInputError('Le mot de passe du certificat est incorrect.', 'pkcs12.wrong_password', { cause });
    }
    throw new SignatureInputError(
      'Ce fichier n’est pas un certificat au format PKCS#12 lisible (.p12 ou .pfx).',
      'pkcs12.not_pkcs12',
      { cause },
    );
  }
  let key: forge.pki.PrivateKey | null = null;
  for (const type of KEY_BAGS) {
    const bag = pfx.getBags({ bagType: type })[type]?.[0];
    if (bag?.key) {
      key = bag.key;
      break;
    }
  }
  if (!key) {
    throw new SignatureInputError('Ce fichier PKCS#12 ne contient pas de clé privée de signature.', 'pkcs12.no_key');
  }
  const rsaKey = key as forge.pki.rsa.PrivateKey;
  const certs = (pfx.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.equals(rsaKey.n) ?? false;
  });
  if (!own) {
    throw new SignatureInputError(
      'Ce fichier PKCS#12 ne contient pas le certificat correspondant à sa clé privée.',
      'pkcs12.no_certificate',
    );
  }
  const keyUsage = own.getExtension('keyUsage') as { digitalSignature?: boolean; nonRepudiation?: boolean } | undefined;
  if (keyUsage && !keyUsage.digitalSignature && !keyUsage.nonRepudiation) {
    throw new SignatureInputError(
      'Le certificat de ce fichier ne permet pas de signer (usage de clé incompatible).',
      'pkcs12.no_signing_key',
    );
  }
  const privateKeyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(rsaKey)));
  return {
    privateKeyPem,
    certificatePem: forge.pki.certificateToPem(own),
    chainPem: certs.filter((c) => c !== own).map((c) => forge.pki.certificateToPem(c)),
  };
}
