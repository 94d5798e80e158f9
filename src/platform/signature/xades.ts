/**
 * Enveloped XAdES signatures of PES V2 Aller bordereaux (DGFiP PES signature rules): one
 * ds:Signature per Bordereau, placed as its last child, whose Reference points at the
 * bordereau's Id attribute (transforms: enveloped-signature then inclusive C14N), RSA-SHA256,
 * with an X509Data and XAdES SignedProperties carrying the signing time and the signing
 * certificate's SHA-256 digest and issuer/serial (and, when given, the signer's capacity as a
 * ClaimedRole: « Maire », « Pour le maire, absent, par délégation, … »). Built with xadesjs (over xmldsigjs) on
 * @xmldom/xmldom; checked in tests with xmlsec1.
 */
import { webcrypto } from 'node:crypto';
import * as xmldom from '@xmldom/xmldom';
import * as xadesjs from 'xadesjs';
import xpath from 'xpath';
import { fromPem, importPrivateKey, splitPemCertificates, x509 } from './crypto-kit.js';
import { SignatureInputError } from './errors.js';
import type { SignerCredentials } from './types.js';

xadesjs.Application.setEngine('NodeJS', webcrypto as unknown as Crypto);
xadesjs.setNodeDependencies({
  XMLSerializer: xmldom.XMLSerializer,
  DOMParser: xmldom.DOMParser,
  DOMImplementation: xmldom.DOMImplementation,
  xpath,
});

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/** Parses a PES Aller file (well-formed XML, root PES_Aller); SignatureInputError otherwise. */
export function parsePes(xml: string): Document {
  const errors: string[] = [];
  let doc: Document | undefined;
  try {
    doc = new xmldom.DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') errors.push(msg);
      },
    }).parseFromString(xml, 'application/xml') as unknown as Document;
  } catch (cause) {
    throw new SignatureInputError('Ce fichier n’est pas un XML bien formé.', 'pes.not_xml', { cause });
  }
  if (errors.length || !doc?.documentElement) {
    throw new SignatureInputError('Ce fichier n’est pas un XML bien formé.', 'pes.not_xml');
  }
  if (doc.documentElement.localName !== 'PES_Aller') {
    throw new SignatureInputError(
      'Ce fichier XML n’est pas un flux PES Aller (élément racine PES_Aller attendu).',
      'pes.not_pes',
    );
  }
  return doc;
}

/**
 * xmldsigjs leaves out the default namespace of the parent when it canonicalizes an object of
 * the signature (SignedProperties); inclusive C14N as verifiers apply it in the document keeps
 * it, so this subclass keeps it too.
 */
class InContextSignedXml extends xadesjs.SignedXml {
  protected override CopyNamespaces(src: Element, dst: Element, _ignoreDefault: boolean): void {
    super.CopyNamespaces(src, dst, false);
  }
}

/** The Bordereau elements of the dépense, recette (and other) blocks, in document order. */
export function bordereaux(doc: Document): Element[] {
  return Array.from(doc.getElementsByTagNameNS('*', 'Bordereau')) as Element[];
}

export function idOf(b: Element): string | null {
  return b.getAttribute('Id') || b.getAttribute('ID') || b.getAttribute('id') || null;
}

export function ownSignature(b: Element): Element | null {
  for (let n = b.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === 'Signature' && (n as Element).namespaceURI === DSIG) {
      return n as Element;
    }
  }
  return null;
}

function certB64(pem: string): string {
  return Buffer.from(fromPem(pem, 'CERTIFICATE')).toString('base64');
}

/**
 * Signs every Bordereau of a PES V2 Aller file (each must have an Id attribute and no signature
 * yet); returns the signed XML. Throws SignatureInputError with a French message otherwise.
 */
export async function signPesAller(
  xml: string,
  signer: SignerCredentials,
  opts?: { signingTime?: Date; claimedRole?: string },
): Promise<string> {
  const doc = parsePes(xml);
  const list = bordereaux(doc);
  if (list.length === 0)
    throw new SignatureInputError('Ce flux PES ne contient aucun bordereau à signer.', 'pes.no_bordereau');
  const key = await importPrivateKey(signer.privateKeyPem);
  const cert = certB64(signer.certificatePem);
  const chain = signer.chainPem.flatMap(splitPemCertificates).map(certB64);
  for (const [i, b] of list.entries()) {
    const id = idOf(b);
    if (!id) {
      throw new SignatureInputError(
        `Le bordereau n° ${i + 1} n’a pas d’attribut Id : il ne peut pas être signé.`,
        'pes.bordereau_without_id',
      );
    }
    if (ownSignature(b)) {
      throw new SignatureInputError(`Le bordereau ${id} est déjà signé.`, 'pes.already_signed');
    }
    const signed = new InContextSignedXml();
    // The signature is computed as it will sit in the bordereau: the namespaces in scope there
    // (the PES default namespace among them) are part of what inclusive C14N signs.
    signed.Parent = b;
    const sig = await signed.Sign({ name: 'RSASSA-PKCS1-v1_5' }, key, doc, {
      id: `SIG-${id}`,
      x509: [cert, ...chain],
      references: [{ uri: `#${id}`, hash: 'SHA-256', transforms: ['enveloped', 'c14n'] }],
      signingCertificate: cert,
      signingTime: { value: opts?.signingTime ?? new Date() },
      ...(opts?.claimedRole ? { signerRole: { claimed: [opts.claimedRole] } } : {}),
    } as xadesjs.OptionsXAdES);
    b.appendChild(sig.GetXml() as Node);
  }
  return new xmldom.XMLSerializer().serializeToString(doc as unknown as xmldom.Node);
}

async function chainsTo(certPem: string, trustedCaPems: string[]): Promise<boolean> {
  const cert = new x509.X509Certificate(certPem);
  const now = new Date();
  if (cert.notBefore > now || cert.notAfter < now) return false;
  for (const caPem of trustedCaPems) {
    const ca = new x509.X509Certificate(caPem);
    if (ca.subject !== cert.issuer) continue;
    if (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })) return true;
  }
  return false;
}

/**
 * Verifies the signature of each Bordereau: the reference must point at that bordereau, its
 * digest and the signature value must verify, the certificate must chain to one of the trusted
 * CAs. `errors` has one French sentence per problem.
 */
export async function verifyPesAller(
  xml: string,
  trustedCaPems: string[],
): Promise<{ bordereaux: number; valid: number; errors: string[] }> {
  const doc = parsePes(xml);
  const list = bordereaux(doc);
  const errors: string[] = [];
  let valid = 0;
  for (const [i, b] of list.entries()) {
    const label = idOf(b) ?? `n° ${i + 1}`;
    const sigEl = ownSignature(b);
    if (!sigEl) {
      errors.push(`Bordereau ${label} : aucune signature.`);
      continue;
    }
    try {
      const signed = new xadesjs.SignedXml(doc);
      signed.LoadXml(sigEl);
      const refs = signed.XmlSignature.SignedInfo.References.GetIterator();
      if (refs.length !== 2 && refs.length !== 1) throw new Error('references');
      const own = refs.filter((r) => r.Uri === `#${idOf(b)}`);
      if (own.length !== 1) {
        errors.push(`Bordereau ${label} : la signature ne porte pas sur ce bordereau.`);
        continue;
      }
      const certNode = xpath.select1(
        ".//*[local-name()='X509Certificate']",
        sigEl as unknown as Node,
      ) as Element | null;
      const pem = certNode?.textContent
        ? `-----BEGIN CERTIFICATE-----\n${certNode.textContent.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`
        : null;
      if (!pem) {
        errors.push(`Bordereau ${label} : la signature ne contient pas le certificat du signataire.`);
        continue;
      }
      const ok = await signed.Verify(await new x509.X509Certificate(pem).publicKey.export());
      if (!ok) {
        errors.push(`Bordereau ${label} : la signature n’est pas valide (contenu modifié après signature).`);
        continue;
      }
      if (!(await chainsTo(pem, trustedCaPems))) {
        errors.push(`Bordereau ${label} : le certificat du signataire n’est pas reconnu ou n’est plus valide.`);
        continue;
      }
      valid += 1;
    } catch {
      errors.push(`Bordereau ${label} : la signature n’est pas valide (contenu modifié après signature).`);
    }
  }
  return { bordereaux: list.length, valid, errors };
}

export { C14N };
