/**
 * Reads back every signature of a PDF: who signed, when, whether the bytes covered are unchanged
 * (the CMS message-digest matches them and the CMS signature verifies with the signer's
 * certificate), whether anything but validation data (DSS) was added after, whether the
 * certificate chains to a trusted CA, and whether a valid RFC 3161 token timestamps it. Every
 * check is done on the bytes here, with node:crypto; nothing is trusted from the signature
 * dictionary but the byte range it names.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { PDFArray, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { OID } from './cms.js';
import { toArrayBuffer } from './crypto-kit.js';
import { loadForUpdate, notPdf } from './incremental.js';
import type { PdfSignatureReport } from './types.js';

const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};

interface SigDictInfo {
  range: [number, number, number, number];
  contents: Uint8Array;
  m: string | null;
  subFilter: string | null;
  reason: string | null;
}

function findSignatureDicts(objects: [unknown, unknown][]): SigDictInfo[] {
  const out = new Map<string, SigDictInfo>();
  for (const [, obj] of objects) {
    if (!(obj instanceof PDFDict)) continue;
    const br = obj.get(PDFName.of('ByteRange'));
    const contents = obj.get(PDFName.of('Contents'));
    if (!(br instanceof PDFArray) || br.size() !== 4) continue;
    if (!(contents instanceof PDFHexString || contents instanceof PDFString)) continue;
    const nums = br.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : Number.NaN));
    if (!nums.every(Number.isInteger)) continue;
    const text = (key: string) => {
      const v = obj.get(PDFName.of(key));
      return v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : null;
    };
    const sub = obj.get(PDFName.of('SubFilter'));
    out.set(nums.join(' '), {
      range: nums as [number, number, number, number],
      contents: contents.asBytes(),
      m: text('M'),
      subFilter: sub instanceof PDFName ? sub.decodeText() : null,
      reason: text('Reason'),
    });
  }
  return [...out.values()].sort((a, b) => a.range[2] - b.range[2]);
}

function parsePdfDate(s: string | null): Date | null {
  const m = s ? /D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?/.exec(s) : null;
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : sign === '+' ? 1 : 0);
  const t = new Date(utc - offset);
  return Number.isNaN(t.getTime()) ? null : t;
}

function derLength(b: Uint8Array): number {
  if (b.length < 2) return b.length;
  const first = b[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] ?? 0);
  return Math.min(b.length, 2 + n + len);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The certificate of a SignedData that matches the signer identifier. */
function signerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo): X509Certificate | null {
  for (const c of sd.certificates ?? []) {
    if (!(c instanceof pkijs.Certificate)) continue;
    const sid = si.sid;
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      if (c.serialNumber.isEqual(sid.serialNumber) && c.issuer.isEqual(sid.issuer)) {
        return new X509Certificate(Buffer.from(c.toSchema().toBER(false)));
      }
    }
  }
  return null;
}

/** Verifies one SignerInfo over `content`: message-digest attribute and signature value. */
function verifySignerInfo(si: pkijs.SignerInfo, cert: X509Certificate, content: Uint8Array): boolean {
  const hash = HASHES[si.digestAlgorithm.algorithmId];
  if (!hash) return false;
  const digest = createHash(hash).update(content).digest();
  const attrs = si.signedAttrs;
  if (!attrs) return false;
  const md = attrs.attributes.find((a) => a.type === OID.messageDigest)?.values[0];
  if (!md || !sameBytes(new Uint8Array(md.valueBlock.valueHexView), digest)) return false;
  const encoded = new Uint8Array(attrs.encodedValue);
  const setDer = new Uint8Array(encoded);
  setDer[0] = 0x31;
  const sig = new Uint8Array(si.signature.valueBlock.valueHexView);
  try {
    return cryptoVerify(hash, setDer, cert.publicKey, sig);
  } catch {
    return false;
  }
}

function chainsTo(cert: X509Certificate, pool: X509Certificate[], trusted: X509Certificate[], at: Date): boolean {
  let current = cert;
  for (let depth = 0; depth < 6; depth++) {
    if (new Date(current.validFrom) > at || new Date(current.validTo) < at) return false;
    const anchor = trusted.find((t) => current.checkIssued(t) && current.verify(t.publicKey));
    if (anchor) return true;
    const next = pool.find((p) => p !== current && current.checkIssued(p) && current.verify(p.publicKey));
    if (!next) return false;
    current = next;
  }
  return false;
}

/** Reads the signature-time-stamp token: its time when it verifies and matches the signature. */
function timestampOf(si: pkijs.SignerInfo): Date | null {
  const attr = si.unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStamp)?.values[0];
  if (!attr) return null;
  try {
    const ci = new pkijs.ContentInfo({ schema: attr });
    const sd = new pkijs.SignedData({ schema: ci.content });
    const econtent = sd.encapContentInfo.eContent;
    const tsi = sd.signerInfos[0];
    if (!econtent || !tsi) return null;
    const tstDer = new Uint8Array(econtent.getValue());
    const tsaCert = signerCertificate(sd, tsi);
    if (!tsaCert || !verifySignerInfo(tsi, tsaCert, tstDer)) return null;
    const tst = pkijs.TSTInfo.fromBER(toArrayBuffer(tstDer));
    const hash = HASHES[tst.messageImprint.hashAlgorithm.algorithmId];
    if (!hash) return null;
    const expected = createHash(hash).update(new Uint8Array(si.signature.valueBlock.valueHexView)).digest();
    if (!sameBytes(new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView), expected)) return null;
    return tst.genTime;
  } catch {
    return null;
  }
}

/**
 * Whether the bytes after a signature's range are only incremental updates adding validation
 * data: the catalog (to point at the DSS), the DSS dictionary, its streams and the cross-reference
 * section. Anything else (a page, an annotation, another signature) counts as a later change.
 */
function onlyValidationDataAfter(tail: Uint8Array): boolean {
  const text = Buffer.from(tail)
    .toString('latin1')
    .replace(/stream\r?\n[\s\S]*?endstream/g, 'stream endstream');
  for (const m of text.matchAll(/\d+\s+\d+\s+obj([\s\S]*?)endobj/g)) {
    const body = m[1]!.replace(/stream endstream/, '').trim();
    if (/\/Type\s*\/Catalog\b/.test(body)) continue;
    if (/\/Type\s*\/XRef\b/.test(body)) continue;
    if (
      /^<<\s*(\/(Certs|CRLs|OCSPs|VRI|Type\s*\/DSS)\b[\s\S]*)?>>$/.test(body) &&
      !/\/(Annots|ByteRange|Contents|Kids|Parent)\b/.test(body)
    )
      continue;
    if (/^<<(\s*\/(Length\s+\d+|Filter\s*\/FlateDecode))*\s*>>$/.test(body)) continue;
    return false;
  }
  return true;
}

function commonName(cert: X509Certificate): string {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : cert.subject;
}

function emailOf(cert: X509Certificate): string | null {
  const san = cert.subjectAltName?.split(/,\s*/).find((s) => s.startsWith('email:'));
  if (san) return san.slice('email:'.length);
  const e = cert.subject.split('\n').find((l) => l.startsWith('emailAddress='));
  return e ? e.slice('emailAddress='.length) : null;
}

/** Whether the document carries long-term validation data: a DSS with CRLs or OCSP responses. */
function hasValidationData(doc: PDFDocument): boolean {
  const dss = doc.catalog.lookupMaybe(PDFName.of('DSS'), PDFDict);
  if (!dss) return false;
  return ['CRLs', 'OCSPs'].some((key) => {
    const list = dss.lookupMaybe(PDFName.of(key), PDFArray);
    return !!list && list.size() > 0;
  });
}

/** Reports every signature of a PDF; [] when it has none; SignatureInputError for a non-PDF. */
export async function inspectPdfSignatures(pdf: Uint8Array, trustedCaPems: string[]): Promise<PdfSignatureReport[]> {
  const doc = await loadForUpdate(pdf).catch((e) => {
    throw e instanceof Error && 'frenchMessage' in e ? e : notPdf(e);
  });
  const trusted = trustedCaPems.map((p) => new X509Certificate(p));
  const validationData = hasValidationData(doc);
  const reports: PdfSignatureReport[] = [];
  for (const sig of findSignatureDicts(doc.context.enumerateIndirectObjects())) {
    const [a, b, c, d] = sig.range;
    const inBounds = a === 0 && b > 0 && c > b && d >= 0 && c + d <= pdf.length;
    const cmsBytes = sig.contents.subarray(0, derLength(sig.contents));
    let sd: pkijs.SignedData;
    let si: pkijs.SignerInfo;
    let cert: X509Certificate | null;
    try {
      const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(cmsBytes));
      sd = new pkijs.SignedData({ schema: ci.content });
      si = sd.signerInfos[0]!;
      cert = signerCertificate(sd, si);
    } catch {
      continue; // Not a CMS signature we can read (an empty placeholder, another format).
    }
    if (!cert) continue;
    const signed = inBounds ? Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]) : new Uint8Array();
    const intact = inBounds && verifySignerInfo(si, cert, signed);
    const stamped = timestampOf(si);
    const signingTime = stamped ?? parsePdfDate(sig.m);
    const pool = (sd.certificates ?? [])
      .filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate)
      .map((x) => new X509Certificate(Buffer.from(x.toSchema().toBER(false))));
    const end = c + d;
    const tail = pdf.subarray(Math.min(end, pdf.length));
    reports.push({
      signerName: commonName(cert),
      signerEmail: emailOf(cert),
      signingTime,
      timestamped: stamped !== null,
      level: stamped === null ? 'B-B' : validationData ? 'B-LT' : 'B-T',
      intact,
      coversWholeDocument: inBounds && (end === pdf.length || onlyValidationDataAfter(tail)),
      trusted: chainsTo(cert, pool, trusted, signingTime ?? new Date()),
      certificateSerialHex: cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
      subFilter: sig.subFilter,
      reason: sig.reason,
    });
  }
  return reports;
}
