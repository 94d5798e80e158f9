/**
 * Deeper checks of two kinds of documents people send, after their type is known by content:
 * - office documents (ODF, OOXML) are zip archives: an archive that expands far beyond its size
 *   (a "zip bomb", e.g. 1 MB holding a 1 GiB content.xml) would stall the agent who opens it.
 *   The sizes declared in the central directory are capped per entry and in total, and each entry
 *   is actually inflated with its declared size as a hard ceiling (a lying size is caught too);
 * - PDF: a document carrying JavaScript (/JS, /JavaScript, an /OpenAction or /AA running it) or
 *   a /Launch action (starts a program) is refused. The file's objects are read outside of stream
 *   data, and inside compressed object streams (where PDF 1.5+ may pack the catalog); pdf-lib
 *   parses the file only when an object stream has a filter we do not inflate ourselves.
 * Each returns a French reason, or null when the document is acceptable.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFObject, PDFRawStream, PDFStream } from 'pdf-lib';

/** Largest declared uncompressed size of one entry of an office document. */
export const MAX_ZIP_ENTRY_BYTES = 64 * 1024 * 1024;
/** Largest declared uncompressed size of all entries together. */
export const MAX_ZIP_TOTAL_BYTES = 128 * 1024 * 1024;
/** Most entries in an office document. */
export const MAX_ZIP_ENTRIES = 5000;

export function isOfficeZipType(mime: string): boolean {
  return (
    mime.startsWith('application/vnd.oasis.opendocument.') ||
    mime.startsWith('application/vnd.openxmlformats-officedocument.')
  );
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const TOO_BIG =
  'il se décompresse en un volume anormalement grand (archive piégée) : enregistrez-le de nouveau ou joignez-le en PDF.';
const DAMAGED =
  'il est endommagé ou n’est pas un document bureautique valide : enregistrez-le de nouveau ou joignez-le en PDF.';

/** Reads the central directory (zip and zip64). Throws a French reason on a malformed archive. */
function readCentralDirectory(buf: Buffer): ZipEntry[] {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(DAMAGED);
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || buf.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new Error(DAMAGED);
    const record = Number(buf.readBigUInt64LE(locator + 8));
    if (record + 56 > buf.length || buf.readUInt32LE(record) !== ZIP64_EOCD) throw new Error(DAMAGED);
    count = Number(buf.readBigUInt64LE(record + 32));
    offset = Number(buf.readBigUInt64LE(record + 48));
  }
  if (count > MAX_ZIP_ENTRIES) throw new Error(TOO_BIG);
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new Error(DAMAGED);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64 extended sizes: the fields set to 0xFFFFFFFF follow, in order, in extra field 0x0001.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const length = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => {
          if (q + 8 > e + 4 + length) throw new Error(DAMAGED);
          const value = Number(buf.readBigUInt64LE(q));
          q += 8;
          return value;
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localOffset === U32_MAX) localOffset = next();
      }
      e += 4 + length;
    }
    entries.push({ name, method, compressedSize, size, localOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** Why an office document (zip) is refused, or null. */
export function officeArchiveProblem(buf: Buffer): string | null {
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(buf);
  } catch (error) {
    return (error as Error).message === TOO_BIG ? TOO_BIG : DAMAGED;
  }
  let total = 0;
  for (const entry of entries) {
    if (entry.size > MAX_ZIP_ENTRY_BYTES) return TOO_BIG;
    total += entry.size;
    if (total > MAX_ZIP_TOTAL_BYTES) return TOO_BIG;
  }
  // The declared sizes may lie: inflate each entry with its declared size as the ceiling.
  for (const entry of entries) {
    const local = entry.localOffset;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) return DAMAGED;
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) return DAMAGED;
      continue;
    }
    if (entry.method !== 8) return DAMAGED;
    try {
      inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      // Output beyond the declared size: the archive lies about what it holds.
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        return TOO_BIG;
      }
      // Other inflate errors (an entry encrypted by the office suite, say) are left to it: the
      // declared sizes were checked above and inflation stops at them.
    }
  }
  return null;
}

/** PDF names that run code or programs. */
const ACTIVE_NAMES = new Set(['JS', 'JavaScript', 'Launch']);
const PDF_JS =
  'il contient du code JavaScript ou une commande qui lance un programme : ce type de PDF est refusé. Enregistrez-le de nouveau (par exemple « Imprimer en PDF ») puis joignez-le.';
/** Most bytes an object stream may inflate to (objects only: text, never images). */
const MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024;

function decodeName(raw: string): string {
  return raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Names written in PDF syntax (with #xx escapes decoded) in a piece of text without streams. */
function hasActiveNameIn(text: string): boolean {
  for (const match of text.matchAll(/\/([^\s()<>[\]{}/%]+)/g)) {
    if (ACTIVE_NAMES.has(decodeName(match[1]!))) return true;
  }
  return false;
}

/**
 * The file's text outside of stream data, and the objects packed in Flate-compressed object
 * streams (/Type /ObjStm, PDF 1.5+), inflated with a ceiling. `undecoded` counts object streams
 * with another filter, left to pdf-lib.
 */
export function scanPdfText(buf: Buffer): { active: boolean; undecoded: number } {
  const text = buf.toString('latin1');
  const outside: string[] = [];
  let undecoded = 0;
  let last = 0;
  for (const match of text.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    const before = text.slice(last, match.index);
    outside.push(before);
    last = match.index + match[0].length;
    // The dictionary of this stream: from its object's header ("12 0 obj") to the keyword.
    const tail = before.slice(Math.max(0, before.length - 4096));
    const dictionary = tail.slice(Math.max(0, tail.lastIndexOf('obj')));
    if (!/\/Type\s*\/ObjStm/.test(dictionary)) continue;
    const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/.exec(dictionary)?.[1] ?? '';
    const filters = filter.match(/\/[A-Za-z0-9]+/g) ?? [];
    if (filters.length > 1 || (filters.length === 1 && filters[0] !== '/FlateDecode')) {
      undecoded++;
      continue;
    }
    const data = Buffer.from(match[1]!, 'latin1');
    try {
      const objects = filters.length === 0 ? data : inflateSync(data, { maxOutputLength: MAX_OBJECT_STREAM_BYTES });
      if (hasActiveNameIn(objects.toString('latin1'))) return { active: true, undecoded };
    } catch {
      undecoded++;
    }
  }
  outside.push(text.slice(last));
  return { active: hasActiveNameIn(outside.join(' ')), undecoded };
}

function hasActiveName(object: PDFObject | undefined, depth = 0): boolean {
  if (!object || depth > 50) return false;
  if (object instanceof PDFName) return ACTIVE_NAMES.has(object.decodeText());
  if (object instanceof PDFArray) return object.asArray().some((o) => hasActiveName(o, depth + 1));
  const dict = object instanceof PDFRawStream || object instanceof PDFStream ? object.dict : object;
  if (dict instanceof PDFDict) {
    for (const [key, value] of dict.entries()) {
      if (ACTIVE_NAMES.has(key.decodeText()) || hasActiveName(value, depth + 1)) return true;
    }
  }
  return false;
}

/** Why a PDF is refused, or null. */
export async function pdfProblem(buf: Buffer): Promise<string | null> {
  const scanned = scanPdfText(buf);
  if (scanned.active) return PDF_JS;
  if (scanned.undecoded === 0) return null;
  // Object streams with unusual filters: pdf-lib decodes them (slower, hence only then).
  try {
    const document = await PDFDocument.load(buf, {
      ignoreEncryption: true,
      updateMetadata: false,
      throwOnInvalidObject: false,
    });
    for (const [, object] of document.context.enumerateIndirectObjects()) {
      if (hasActiveName(object)) return PDF_JS;
    }
  } catch {
    // pdf-lib could not read it either (an encrypted file, say): the text check above stands.
  }
  return null;
}
