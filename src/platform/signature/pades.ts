/**
 * PAdES baseline signatures (ETSI EN 319 142-1): B-B (CAdES-detached CMS over the /ByteRange,
 * signed attributes content-type, message-digest and signing-certificate-v2; claimed time in /M),
 * B-T (signature-time-stamp from an RFC 3161 TSA) and B-LT (a DSS dictionary with the
 * certificates and CRLs, added in a second incremental update). Each signature is an incremental
 * update of the file it receives, so the earlier signatures stay valid.
 */
import { createHash } from 'node:crypto';
import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  PDFName,
  PDFNumber,
  PDFRef,
  type PDFStream,
  PDFString,
  StandardFontEmbedder,
  StandardFonts,
} from 'pdf-lib';
import { buildCadesDetached, prepareSigner, sha256 } from './cms.js';
import { fromPem, splitPemCertificates } from './crypto-kit.js';
import { SignatureInputError } from './errors.js';
import { appendUpdate, catalogRef, lastXref, loadForUpdate, objectBytes, type UpdateObject } from './incremental.js';
import { requestTimestamp } from './tsa.js';
import type { SignatureAppearance, SignerCredentials, TimestampAuthority } from './types.js';

/** What `signPdf` needs besides the PDF. */
export interface SignPdfInput {
  signer: SignerCredentials;
  /** /Reason, e.g. « Approuvé » or « Signé pour le maire, par délégation ». */
  reason: string;
  location?: string;
  contactInfo?: string;
  /** Claimed signing time (/M); default now. With a TSA, the trusted time is the token's. */
  signingTime?: Date;
  /** A visible signature block; none: an invisible signature field. */
  appearance?: SignatureAppearance;
  /** An RFC 3161 TSA: the signature becomes B-T. */
  timestamp?: TimestampAuthority;
  /** DER CRLs of the chain: a DSS dictionary with them and the certificates is added (B-LT with a TSA). */
  crls?: Uint8Array[];
}

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const BYTE_RANGE_SLOT = 48;

/** A PDF text string: UTF-16BE with BOM, hex-encoded (safe for every character). */
function textString(s: string): string {
  const buf = Buffer.from(`\ufeff${s}`, 'utf16le');
  buf.swap16();
  return `<${buf.toString('hex').toUpperCase()}>`;
}

/** PDF date `D:YYYYMMDDHHmmSS+00'00'` in UTC. */
function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `(D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00')`;
}

const helvetica = StandardFontEmbedder.for(StandardFonts.Helvetica as never);

/** Whether Helvetica (WinAnsi) has each character, asked once per character (a throw is slow). */
const winAnsi = new Map<string, boolean>();

function encodable(s: string): string {
  let out = '';
  for (const ch of s.replace(/[\u202f\u2009]/g, ' ')) {
    let ok = winAnsi.get(ch);
    if (ok === undefined) {
      try {
        helvetica.encodeText(ch);
        ok = true;
      } catch {
        ok = false;
      }
      winAnsi.set(ch, ok);
    }
    out += ok ? ch : '?';
  }
  return out;
}

/** The appearance stream of a visible block: a light box and the lines in Helvetica (WinAnsi). */
function appearanceStream(doc: PDFDocument, width: number, height: number, lines: string[]): PDFStream {
  const safe = lines.map(encodable);
  const pad = 5;
  let size = Math.min(9, (height - 2 * pad) / Math.max(1, safe.length) / 1.2);
  for (const l of safe) {
    const w = helvetica.widthOfTextAtSize(l, size);
    if (w > width - 2 * pad) size = Math.max(4, (size * (width - 2 * pad)) / w);
  }
  const lead = size * 1.2;
  const ops = [
    `q 0.96 0.96 0.96 rg 0 0 ${width} ${height} re f`,
    `0.2 0.2 0.2 RG 0.6 w 0.3 0.3 ${width - 0.6} ${height - 0.6} re S Q`,
    `BT 0 0 0 rg /F1 ${size.toFixed(2)} Tf ${lead.toFixed(2)} TL ${pad} ${(height - pad - size).toFixed(2)} Td`,
    ...safe.map((l, i) => `${i ? 'T* ' : ''}${helvetica.encodeText(l).toString()} Tj`),
    'ET',
  ].join('\n');
  const font = doc.context.obj({
    Type: 'Font',
    Subtype: 'Type1',
    BaseFont: 'Helvetica',
    Encoding: 'WinAnsiEncoding',
  });
  // A few hundred bytes: stored as is, deflating them would cost more than it saves.
  return doc.context.stream(ops, {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, width, height],
    Resources: { Font: { F1: font } },
  });
}

function estimateContentsSize(certificatesFieldLength: number, timestamped: boolean): number {
  return certificatesFieldLength + 2048 + (timestamped ? 12_288 : 0);
}

/** Count of existing signature fields, for a unique field name. */
function countSignatureFields(fields: PDFArray | undefined, doc: PDFDocument): number {
  if (!fields) return 0;
  let n = 0;
  for (let i = 0; i < fields.size(); i++) {
    const f = doc.context.lookup(fields.get(i));
    if (f instanceof PDFDict && f.get(PDFName.of('FT'))?.toString() === '/Sig') n++;
  }
  return n;
}

/**
 * Signs a PDF (PAdES B-B, B-T with `timestamp`, B-LT with `timestamp` and `crls`). Throws
 * SignatureInputError for a non-PDF, an encrypted PDF, a page out of range or a TSA failure.
 */
export async function signPdf(
  pdf: Uint8Array,
  input: SignPdfInput,
): Promise<{ pdf: Uint8Array; level: 'B-B' | 'B-T' | 'B-LT' }> {
  const signer = prepareSigner(input.signer.privateKeyPem, input.signer.certificatePem, input.signer.chainPem);
  const doc = await loadForUpdate(pdf);
  const ctx = doc.context;
  const prev = lastXref(pdf);
  ctx.largestObjectNumber = Math.max(ctx.largestObjectNumber, prev.size - 1);
  const pages = doc.getPages();
  if (pages.length === 0) throw new SignatureInputError('Ce PDF n’a aucune page.', 'pdf.no_page');
  const pageIndex = input.appearance?.page ?? pages.length - 1;
  const page = pages[pageIndex];
  if (!page || !Number.isInteger(pageIndex)) {
    throw new SignatureInputError(
      `La page ${pageIndex + 1} demandée pour la signature n’existe pas : le document a ${pages.length} page(s).`,
      'pdf.page_out_of_range',
    );
  }
  const objects: UpdateObject[] = [];
  const put = (ref: PDFRef, body: Uint8Array) => objects.push({ ref, body });

  // Catalog and AcroForm.
  const rootRef = catalogRef(doc);
  const catalog = doc.catalog;
  let acroForm = catalog.lookup(PDFName.of('AcroForm'));
  let acroFormRef: PDFRef | null = null;
  const rawAcro = catalog.get(PDFName.of('AcroForm'));
  if (rawAcro instanceof PDFRef) acroFormRef = rawAcro;
  let catalogChanged = false;
  if (!(acroForm instanceof PDFDict)) {
    acroForm = ctx.obj({ Fields: [] });
    catalog.set(PDFName.of('AcroForm'), acroForm);
    catalogChanged = true;
  }
  const acro = acroForm as PDFDict;
  let fields = acro.lookup(PDFName.of('Fields'));
  const rawFields = acro.get(PDFName.of('Fields'));
  if (!(fields instanceof PDFArray)) {
    fields = ctx.obj([]);
    acro.set(PDFName.of('Fields'), fields);
  }
  const fieldName = `Signature${countSignatureFields(fields as PDFArray, doc) + 1}`;

  // Signature dictionary, written by hand so the placeholders are at known places.
  const signingTime = input.signingTime ?? new Date();
  const timestamped = !!input.timestamp;
  const contentsSize = estimateContentsSize(signer.certificatesField.length, timestamped);
  const sigRef = ctx.nextRef();
  const cn = signer.cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value ?? '';
  const sigHead = [
    '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached',
    `/ByteRange [${' '.repeat(BYTE_RANGE_SLOT)}]`,
    '/Contents <',
  ].join('\n');
  const sigTail = [
    '>',
    `/M ${pdfDate(signingTime)}`,
    cn ? `/Name ${textString(String(cn))}` : '',
    `/Reason ${textString(input.reason)}`,
    input.location ? `/Location ${textString(input.location)}` : '',
    input.contactInfo ? `/ContactInfo ${textString(input.contactInfo)}` : '',
    '/Prop_Build << /App << /Name /Guichet >> >>',
    '>>',
  ]
    .filter(Boolean)
    .join('\n');
  const sigBody = Buffer.concat([latin1(sigHead), Buffer.alloc(contentsSize * 2, '0'), latin1(sigTail)]);
  put(sigRef, sigBody);

  // Widget annotation (merged with its field) and appearance.
  const widgetRef = ctx.nextRef();
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    F: 132,
    P: page.ref,
  });
  widget.set(PDFName.of('T'), PDFString.of(fieldName));
  widget.set(PDFName.of('V'), sigRef);
  if (input.appearance) {
    const { width: pw } = page.getSize();
    const box = page.getMediaBox();
    const lines = input.appearance.lines;
    const [x, y, w, h] = input.appearance.rect ?? [
      box.x + pw - 36 - 230,
      box.y + 36,
      230,
      Math.max(24, 10 + lines.length * 11),
    ];
    if (!(w > 0 && h > 0) || ![x, y, w, h].every(Number.isFinite)) {
      throw new SignatureInputError('L’emplacement demandé pour la signature n’est pas valide.', 'pdf.bad_rect');
    }
    widget.set(PDFName.of('Rect'), ctx.obj([x, y, x + w, y + h]));
    const ap = appearanceStream(doc, w, h, lines);
    const apRef = ctx.nextRef();
    put(apRef, objectBytes(ap));
    widget.set(PDFName.of('AP'), ctx.obj({ N: apRef }));
  } else {
    widget.set(PDFName.of('Rect'), ctx.obj([0, 0, 0, 0]));
  }
  put(widgetRef, objectBytes(widget));

  // Page /Annots gets the widget.
  const rawAnnots = page.node.get(PDFName.of('Annots'));
  const annots = page.node.lookup(PDFName.of('Annots'));
  if (rawAnnots instanceof PDFRef && annots instanceof PDFArray) {
    annots.push(widgetRef);
    put(rawAnnots, objectBytes(annots));
  } else {
    const arr = annots instanceof PDFArray ? annots : ctx.obj([]);
    arr.push(widgetRef);
    page.node.set(PDFName.of('Annots'), arr);
    put(page.ref, objectBytes(page.node));
  }

  (fields as PDFArray).push(widgetRef);
  acro.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  if (rawFields instanceof PDFRef) put(rawFields, objectBytes(fields as PDFArray));
  if (acroFormRef) put(acroFormRef, objectBytes(acro));
  else catalogChanged = true;
  if (catalogChanged) put(rootRef, objectBytes(catalog));

  const { bytes, bodyOffsets } = appendUpdate(pdf, doc, objects);
  const sigStart = bodyOffsets.get(sigRef.objectNumber)!;
  const contentsStart = sigStart + sigHead.length - 1; // the '<'
  const contentsEnd = contentsStart + 1 + contentsSize * 2 + 1; // after the '>'
  const range = [0, contentsStart, contentsEnd, bytes.length - contentsEnd];
  const rangeText = range.join(' ').padEnd(BYTE_RANGE_SLOT, ' ');
  const rangeAt =
    bytes.indexOf(latin1(`/ByteRange [${' '.repeat(BYTE_RANGE_SLOT)}]`), sigStart) + '/ByteRange ['.length;
  bytes.write(rangeText, rangeAt, 'latin1');
  const digest = sha256(bytes.subarray(0, contentsStart), bytes.subarray(contentsEnd));
  const cms = await buildCadesDetached(
    signer,
    digest,
    input.timestamp
      ? (sig) => requestTimestamp(input.timestamp!, new Uint8Array(createHash('sha256').update(sig).digest()))
      : undefined,
  );
  if (cms.length > contentsSize) throw new Error(`CMS of ${cms.length} bytes exceeds the ${contentsSize} reserved`);
  bytes.write(Buffer.from(cms).toString('hex').toUpperCase(), contentsStart + 1, 'latin1');
  let out: Uint8Array = bytes;
  if (input.crls?.length) out = await addDss(out, input.signer, input.crls, contentsStart, contentsEnd);
  const level = input.timestamp ? (input.crls?.length ? 'B-LT' : 'B-T') : 'B-B';
  return { pdf: out, level };
}

/**
 * Adds (or extends) the DSS dictionary (ETSI EN 319 142-1 §5.4) in a new incremental update:
 * the signer's certificates and the CRLs, and a VRI entry keyed by the SHA-1 of the signature.
 */
async function addDss(
  pdf: Uint8Array,
  signer: SignerCredentials,
  crls: Uint8Array[],
  contentsStart: number,
  contentsEnd: number,
): Promise<Uint8Array> {
  const doc = await loadForUpdate(pdf);
  const ctx = doc.context;
  const prev = lastXref(pdf);
  ctx.largestObjectNumber = Math.max(ctx.largestObjectNumber, prev.size - 1);
  const objects: UpdateObject[] = [];
  const streamRef = (der: Uint8Array) => {
    const ref = ctx.nextRef();
    objects.push({ ref, body: objectBytes(ctx.flateStream(der)) });
    return ref;
  };
  const certDers = [signer.certificatePem, ...signer.chainPem.flatMap(splitPemCertificates)].map((p) =>
    fromPem(p, 'CERTIFICATE'),
  );
  const certRefs = certDers.map(streamRef);
  const crlRefs = crls.map(streamRef);
  const catalog = doc.catalog;
  const existing = catalog.lookup(PDFName.of('DSS'));
  const dss = existing instanceof PDFDict ? existing : ctx.obj({});
  const list = (key: string) => {
    const a = dss.lookup(PDFName.of(key));
    const arr = a instanceof PDFArray ? a : ctx.obj([]);
    dss.set(PDFName.of(key), arr);
    return arr;
  };
  const certs = list('Certs');
  for (const r of certRefs) certs.push(r);
  const crlList = list('CRLs');
  for (const r of crlRefs) crlList.push(r);
  const vriKey = createHash('sha1')
    .update(Buffer.from(Buffer.from(pdf.subarray(contentsStart + 1, contentsEnd - 1)).toString('latin1'), 'hex'))
    .digest('hex')
    .toUpperCase();
  const vriLookup = dss.lookup(PDFName.of('VRI'));
  const vri = vriLookup instanceof PDFDict ? vriLookup : ctx.obj({});
  vri.set(PDFName.of(vriKey), ctx.obj({ Cert: certRefs, CRL: crlRefs }));
  dss.set(PDFName.of('VRI'), vri);
  const dssRaw = catalog.get(PDFName.of('DSS'));
  const dssRef = dssRaw instanceof PDFRef ? dssRaw : ctx.nextRef();
  objects.push({ ref: dssRef, body: objectBytes(dss) });
  catalog.set(PDFName.of('DSS'), dssRef);
  objects.push({ ref: catalogRef(doc), body: objectBytes(catalog) });
  return appendUpdate(pdf, doc, objects).bytes;
}
