/**
 * Content checks of uploads that need no database: office documents that expand into far more
 * than their size (zip bombs) and PDFs carrying JavaScript or launch actions are refused with a
 * French message (issue 8, finding 8). Every file is generated here.
 */
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { type ZipEntrySpec, zipArchive as zip } from '../../test/documents.js';
import { AppError } from '../errors.js';
import { type UploadedPart, validateUpload } from './checks.js';

const ODT = 'application/vnd.oasis.opendocument.text';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const GiB = 1024 * 1024 * 1024;

const odt = (contentXml: ZipEntrySpec) =>
  zip([
    { name: 'mimetype', content: Buffer.from(ODT), method: 0 },
    { name: 'META-INF/manifest.xml', content: Buffer.from('<manifest:manifest/>') },
    contentXml,
  ]);

const docx = (document: ZipEntrySpec) =>
  zip([
    {
      name: '[Content_Types].xml',
      content: Buffer.from(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    { name: '_rels/.rels', content: Buffer.from('<Relationships/>') },
    document,
  ]);

const part = (filename: string, content: Buffer): UploadedPart => ({
  field: 'piece',
  filename,
  declaredType: 'application/octet-stream',
  content,
  isTruncated: false,
});

async function refusal(filename: string, content: Buffer, accept: string[]): Promise<AppError | undefined> {
  try {
    await validateUpload(part(filename, content), { accept });
    return undefined;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

describe('office documents (zip) are checked for what they expand into', () => {
  const xml = (n: number) => Buffer.from(`<office:document>${'<text:p>Bonjour</text:p>'.repeat(n)}</office:document>`);

  it('accepts an ordinary ODT and DOCX', async () => {
    expect(await refusal('lettre.odt', odt({ name: 'content.xml', content: xml(200) }), [ODT])).toBeUndefined();
    expect(
      await refusal('lettre.docx', docx({ name: 'word/document.xml', content: xml(200) }), [DOCX]),
    ).toBeUndefined();
  });

  it.each([
    ['ODT', 'bombe.odt', ODT, odt],
    ['DOCX', 'bombe.docx', DOCX, docx],
  ] as const)(
    'refuses a %s whose entry declares 1 GiB (zip bomb), with a French message',
    async (_kind, filename, mime, build) => {
      // 1 MiB of zeros compressed to ~1 kB, declared as the 1 GiB it would be in a real bomb.
      const file = build({
        name: filename.endsWith('odt') ? 'content.xml' : 'word/document.xml',
        content: Buffer.alloc(1024 * 1024),
        declaredSize: GiB,
      });
      const error = await refusal(filename, file, [mime]);
      expect(error?.status).toBe(422);
      expect(error?.code).toBe('upload.unsafe_content');
      expect(error?.fields?.piece).toMatch(/se décompresse en un volume anormalement grand/);
    },
  );

  it('refuses an ODT whose entries together declare more than the total cap', async () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({
      name: `Pictures/image${i}.xml`,
      content: Buffer.alloc(1000),
      declaredSize: 60 * 1024 * 1024,
    }));
    const file = zip([{ name: 'mimetype', content: Buffer.from(ODT), method: 0 }, ...entries]);
    expect((await refusal('images.odt', file, [ODT]))?.code).toBe('upload.unsafe_content');
  });

  it('refuses an ODT whose content.xml expands beyond the size it declares (lying headers)', async () => {
    const file = odt({ name: 'content.xml', content: Buffer.alloc(20 * 1024 * 1024), declaredSize: 4096 });
    expect(file.length).toBeLessThan(100_000);
    const error = await refusal('menteur.odt', file, [ODT]);
    expect(error?.code).toBe('upload.unsafe_content');
  });
});

describe('PDFs carrying code are refused', () => {
  const pdfText = (catalogExtra: string) =>
    Buffer.from(
      [
        '%PDF-1.4',
        `1 0 obj << /Type /Catalog /Pages 2 0 R ${catalogExtra} >> endobj`,
        '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
        '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
        'trailer << /Root 1 0 R >>',
        '%%EOF',
      ].join('\n'),
      'latin1',
    );

  it('accepts a plain PDF, one opening at its first page, and a text mentioning JavaScript', async () => {
    const plain = await PDFDocument.create();
    plain.addPage().drawText('Attestation de domicile : JavaScript, /JS et Launch ne sont que des mots ici.');
    expect(await refusal('attestation.pdf', Buffer.from(await plain.save()), ['application/pdf'])).toBeUndefined();
    expect(await refusal('ouverture.pdf', pdfText('/OpenAction [3 0 R /Fit]'), ['application/pdf'])).toBeUndefined();
  });

  it.each([
    ['an /OpenAction running JavaScript', "/OpenAction << /S /JavaScript /JS (app.alert\\('x'\\)) >>"],
    ['a /Launch action', '/OpenAction << /S /Launch /F (cmd.exe) >>'],
    ['JavaScript in the document names', '/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>'],
    ['a name hidden with #xx escapes', '/OpenAction << /S /J#61vaScript /J#53 (x) >>'],
  ])('refuses a PDF with %s, with a French message', async (_what, extra) => {
    const error = await refusal('formulaire.pdf', pdfText(extra), ['application/pdf']);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('upload.unsafe_content');
    expect(error?.fields?.piece).toMatch(/contient du code JavaScript ou une commande qui lance un programme/);
  });

  it('refuses JavaScript hidden in a compressed object stream', async () => {
    const document = await PDFDocument.create();
    document.addPage();
    const action = document.context.obj({ S: 'JavaScript', JS: PDFString.of("app.alert('x')") });
    document.catalog.set(PDFName.of('OpenAction'), document.context.register(action));
    const bytes = Buffer.from(await document.save({ useObjectStreams: true }));
    // Not visible in the file's text: only in a Flate-compressed object stream.
    expect(bytes.toString('latin1')).not.toContain('/JavaScript');
    expect((await refusal('cache.pdf', bytes, ['application/pdf']))?.code).toBe('upload.unsafe_content');
  });
});
