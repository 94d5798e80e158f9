import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversionError, convertToPdf } from './index.js';

const exec = promisify(execFile);

/** A flat ODF text document (.fodt), written here: a title and a paragraph with French text. */
const FODT = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
  <office:body><office:text>
    <text:h text:outline-level="1">Bon de commande n° 2026-042</text:h>
    <text:p>Fournitures scolaires pour l’école Jules-Ferry : 1 250,00 € TTC.</text:p>
  </office:text></office:body>
</office:document>`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'guichet-convert-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('convertToPdf (LibreOffice headless)', () => {
  it('converts a .fodt made here to a PDF that qpdf accepts and that holds the text', async () => {
    const pdf = await convertToPdf(new TextEncoder().encode(FODT), 'bon-de-commande.fodt');
    const file = join(dir, 'out.pdf');
    await writeFile(file, pdf);
    await expect(exec('qpdf', ['--check', file])).resolves.toBeDefined();
    const { stdout } = await exec('pdftotext', [file, '-']);
    expect(stdout).toContain('Bon de commande n° 2026-042');
    expect(stdout).toContain('1 250,00 €');
  }, 120_000);

  it('a missing soffice: a French error', async () => {
    const err = await convertToPdf(new TextEncoder().encode(FODT), 'a.fodt', {
      sofficePath: '/nonexistent/soffice',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect(err.code).toBe('soffice.missing');
    expect(err.frenchMessage).toContain('LibreOffice n’est pas installé');
  });

  it('an unsupported extension and a corrupt document: French errors', async () => {
    const bad = await convertToPdf(new Uint8Array([1, 2, 3]), 'photo.exe').catch((e) => e);
    expect(bad).toMatchObject({ code: 'conversion.unsupported' });
    expect(bad.frenchMessage).toContain('« photo.exe » ne peut pas être converti');
    const corrupt = await convertToPdf(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0]), 'abime.docx').catch((e) => e);
    expect(corrupt).toBeInstanceOf(ConversionError);
    expect(corrupt.code).toBe('conversion.failed');
  }, 120_000);
});
