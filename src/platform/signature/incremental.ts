/**
 * Incremental updates of a PDF (ISO 32000-1 §7.5.6): new and changed objects appended after the
 * original bytes, followed by a cross-reference section of the same kind as the file's last one
 * (a classic table or an uncompressed cross-reference stream), whose trailer points back to it
 * with /Prev. The original bytes never change, so earlier signatures stay valid.
 */
import { randomBytes } from 'node:crypto';
import { PDFArray, PDFDocument, PDFHexString, type PDFObject, PDFRef } from 'pdf-lib';
import { SignatureInputError } from './errors.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** Offset of the last cross-reference section and whether it is a stream, read from `startxref`. */
export function lastXref(pdf: Uint8Array): { offset: number; isStream: boolean; size: number } {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? /startxref\s+(\d+)/.exec(tail);
  if (!m) throw notPdf();
  const offset = Number(m[1]);
  if (!(offset > 0 && offset < pdf.length)) throw notPdf();
  const head = Buffer.from(pdf.subarray(offset, Math.min(pdf.length, offset + 4096))).toString('latin1');
  const isStream = !head.startsWith('xref');
  // /Size of the last trailer (or xref stream dictionary).
  const sizeText = isStream ? head : Buffer.from(pdf.subarray(offset)).toString('latin1');
  const sm = /\/Size\s+(\d+)/.exec(sizeText);
  return { offset, isStream, size: sm ? Number(sm[1]) : 0 };
}

export function notPdf(cause?: unknown): SignatureInputError {
  return new SignatureInputError('Ce fichier n’est pas un document PDF lisible.', 'pdf.unreadable', { cause });
}

/** Loads a PDF for an incremental update; SignatureInputError for a non-PDF or an encrypted one. */
export async function loadForUpdate(pdf: Uint8Array): Promise<PDFDocument> {
  if (Buffer.from(pdf.subarray(0, 1024)).indexOf('%PDF-') === -1) throw notPdf();
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });
  } catch (cause) {
    if (cause instanceof Error && /encrypted/i.test(cause.message)) {
      throw new SignatureInputError(
        'Ce PDF est chiffré ou protégé par un mot de passe : il ne peut pas être signé.',
        'pdf.encrypted',
        { cause },
      );
    }
    throw notPdf(cause);
  }
  if (doc.isEncrypted) {
    throw new SignatureInputError(
      'Ce PDF est chiffré ou protégé par un mot de passe : il ne peut pas être signé.',
      'pdf.encrypted',
    );
  }
  return doc;
}

export function objectBytes(obj: PDFObject): Uint8Array {
  const buf = new Uint8Array(obj.sizeInBytes());
  obj.copyBytesInto(buf, 0);
  return buf;
}

/** One object of an update: its number and its serialized body (between `obj` and `endobj`). */
export interface UpdateObject {
  ref: PDFRef;
  body: Uint8Array;
}

/**
 * Appends `objects` to `pdf` as one incremental update. Returns the new file and the offset where
 * each object's body starts (so a caller can patch placeholders inside it).
 */
export function appendUpdate(
  pdf: Uint8Array,
  doc: PDFDocument,
  objects: UpdateObject[],
): { bytes: Buffer; bodyOffsets: Map<number, number> } {
  const prev = lastXref(pdf);
  const chunks: Uint8Array[] = [pdf];
  let pos = pdf.length;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    pos += b.length;
  };
  if (pdf[pdf.length - 1] !== 0x0a && pdf[pdf.length - 1] !== 0x0d) push(latin1('\n'));
  const offsets = new Map<number, number>();
  const bodyOffsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.ref.objectNumber, pos);
    push(latin1(`${o.ref.objectNumber} ${o.ref.generationNumber} obj\n`));
    bodyOffsets.set(o.ref.objectNumber, pos);
    push(o.body);
    push(latin1('\nendobj\n'));
  }
  const trailer = doc.context.trailerInfo;
  let idArray = trailer.ID as PDFArray | undefined;
  if (!(idArray instanceof PDFArray)) {
    const id = PDFHexString.of(randomBytes(16).toString('hex'));
    idArray = doc.context.obj([id, id]) as PDFArray;
  }
  const common = [
    `/Root ${String(trailer.Root)}`,
    trailer.Info ? `/Info ${String(trailer.Info)}` : '',
    `/ID ${Buffer.from(objectBytes(idArray)).toString('latin1')}`,
    `/Prev ${prev.offset}`,
  ]
    .filter(Boolean)
    .join(' ');
  if (!prev.isStream) {
    const size = Math.max(prev.size, doc.context.largestObjectNumber + 1);
    const xrefAt = pos;
    const lines = ['xref\n'];
    for (const [start, nums] of runs([...offsets.keys()])) {
      lines.push(`${start} ${nums.length}\n`);
      for (const n of nums) lines.push(`${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`);
    }
    lines.push(`trailer\n<< /Size ${size} ${common} >>\nstartxref\n${xrefAt}\n%%EOF\n`);
    push(latin1(lines.join('')));
  } else {
    const xrefRef = doc.context.nextRef();
    const xrefAt = pos;
    offsets.set(xrefRef.objectNumber, xrefAt);
    const size = Math.max(prev.size, doc.context.largestObjectNumber + 1);
    const index: number[] = [];
    const rows: number[] = [];
    for (const [start, nums] of runs([...offsets.keys()])) {
      index.push(start, nums.length);
      rows.push(...nums);
    }
    const data = Buffer.alloc(rows.length * 7);
    rows.forEach((n, i) => {
      data.writeUInt8(1, i * 7);
      data.writeUInt32BE(offsets.get(n)!, i * 7 + 1);
      data.writeUInt16BE(0, i * 7 + 5);
    });
    push(
      latin1(
        `${xrefRef.objectNumber} 0 obj\n<< /Type /XRef /Size ${size} /Index [${index.join(' ')}] /W [1 4 2] ${common} /Length ${data.length} >>\nstream\n`,
      ),
    );
    push(data);
    push(latin1(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`));
  }
  return { bytes: Buffer.concat(chunks), bodyOffsets };
}

/** Sorted object numbers grouped in consecutive runs: [[start, [n…]], …]. */
function runs(numbers: number[]): [number, number[]][] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const out: [number, number[]][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[1][last[1].length - 1] === n - 1) last[1].push(n);
    else out.push([n, [n]]);
  }
  return out;
}

/** A PDFRef from pdf-lib's trailer entry, or an error when the file has no catalog. */
export function catalogRef(doc: PDFDocument): PDFRef {
  const root = doc.context.trailerInfo.Root;
  if (!(root instanceof PDFRef)) throw notPdf(new Error('no /Root'));
  return root;
}
