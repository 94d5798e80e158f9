/** Documents built by hand for the upload checks (no binary fixtures): zip archives whose headers may lie, PDFs. */
import { crc32, deflateRawSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export interface ZipEntrySpec {
  name: string;
  content: Buffer;
  /** Store (0) or deflate (8). */
  method?: 0 | 8;
  /** The uncompressed size written in the headers (the real one when absent). */
  declaredSize?: number;
}

/** A zip archive written by hand, so that its headers may say anything. */
export function zipArchive(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const data = method === 8 ? deflateRawSync(entry.content) : entry.content;
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.declaredSize ?? entry.content.length;
    const crc = crc32(entry.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An ODT of ~1 kB whose content.xml declares 1 GiB (a zip bomb: its headers say what it would expand to). */
export function odtZipBomb(): Buffer {
  return zipArchive([
    { name: 'mimetype', content: Buffer.from('application/vnd.oasis.opendocument.text'), method: 0 },
    { name: 'META-INF/manifest.xml', content: Buffer.from('<manifest:manifest/>') },
    { name: 'content.xml', content: Buffer.alloc(1024 * 1024), declaredSize: 1024 * 1024 * 1024 },
  ]);
}

/** A PDF whose /OpenAction runs JavaScript. */
export function pdfWithOpenActionJavaScript(): Buffer {
  return Buffer.from(
    [
      '%PDF-1.4',
      "1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\('x'\\)) >> >> endobj",
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
    ].join('\n'),
    'latin1',
  );
}

/** A one-page A4 document with one line of text, as an office would print it to PDF. */
export async function onePagePdf(
  text = 'Bon de commande n° 2026-042 — 1 250,00 €',
  options: { objectStreams?: boolean } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(text, { x: 50, y: 780, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save({ useObjectStreams: options.objectStreams ?? true }));
}
