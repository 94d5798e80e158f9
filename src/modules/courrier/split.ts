/**
 * Splitting a stack of scanned letters at its blank pages (bulk intake; decision 0057): the
 * accueil scans the morning's post as one PDF with a blank sheet between two letters. A page is
 * a separator when it has no text layer (poppler's `pdftotext`) AND, rendered by `pdftoppm` in
 * grey at 50 dpi with a 5 % margin left out (a scanner's shadowed edges), fewer than
 * `BLANK_INK_RATIO` of its pixels are dark (below half the grey scale) — one handwritten word or
 * a signature alone is far above (measured: one 12-point word ≈ 3 ×), dust and scanner noise far
 * below. Consecutive separators count as one; separators at the start or the end are dropped.
 * Each letter's pages are copied into a PDF of its own with pdf-lib.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { OcrUnavailableError, withWorkdir } from './ocr.js';

export const BLANK_INK_RATIO = 0.0001;
export const SPLIT_DPI = 50;
/** Pages of one stack at most (read in the request: a few seconds). */
export const MAX_BUNDLE_PAGES = 60;

export class BundleError extends Error {}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, out) => {
      if (!error) return resolve(out);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new OcrUnavailableError(program));
      else reject(new BundleError(`${program}: ${error.message.slice(0, 300)}`));
    });
  });
}

/** The share of dark pixels of a binary PGM (P5, 8 bits) inside a 5 % margin. */
export function inkRatio(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new BundleError('pdftoppm: not a PGM image');
  const [width, height, max] = [Number(header[1]), Number(header[2]), Number(header[3])];
  const pixels = pgm.subarray(header[0].length);
  const mx = Math.floor(width / 20);
  const my = Math.floor(height / 20);
  let dark = 0;
  let total = 0;
  for (let y = my; y < height - my; y++) {
    for (let x = mx; x < width - mx; x++) {
      total++;
      if (pixels[y * width + x]! < max / 2) dark++;
    }
  }
  return total === 0 ? 0 : dark / total;
}

/** Which pages of the PDF are blank (separators), in order. */
export async function blankPages(pdf: Buffer): Promise<boolean[]> {
  return withWorkdir(async (dir) => {
    const file = path.join(dir, 'lot.pdf');
    await fs.writeFile(file, pdf);
    // pdftotext ends every page with a form feed.
    const texts = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'])).split('\f');
    await run('pdftoppm', ['-r', String(SPLIT_DPI), '-gray', file, path.join(dir, 'page')]);
    const images = (await fs.readdir(dir)).filter((f) => f.endsWith('.pgm'));
    const number = (f: string) => Number(/-(\d+)\.pgm$/.exec(f)?.[1] ?? 0);
    images.sort((a, b) => number(a) - number(b));
    const result: boolean[] = [];
    for (const [i, image] of images.entries()) {
      const ratio = inkRatio(await fs.readFile(path.join(dir, image)));
      result.push((texts[i] ?? '').trim() === '' && ratio < BLANK_INK_RATIO);
    }
    return result;
  });
}

/** The letters of a stack: runs of pages between blank ones (0-based page numbers). */
export function lettersOf(blank: readonly boolean[]): number[][] {
  const letters: number[][] = [];
  let current: number[] = [];
  for (const [i, isBlank] of blank.entries()) {
    if (!isBlank) current.push(i);
    else if (current.length > 0) {
      letters.push(current);
      current = [];
    }
  }
  if (current.length > 0) letters.push(current);
  return letters;
}

/** Splits a stack into one PDF per letter; `pages` says which pages of the stack each holds (1-based). */
export async function splitBundle(pdf: Buffer): Promise<Array<{ content: Buffer; pages: number[] }>> {
  let source: PDFDocument;
  try {
    source = await PDFDocument.load(pdf);
  } catch {
    throw new BundleError('pdf-lib: unreadable or encrypted PDF');
  }
  const count = source.getPageCount();
  if (count > MAX_BUNDLE_PAGES) throw new BundleError(`too many pages: ${count}`);
  const blank = await blankPages(pdf);
  if (blank.length !== count) throw new BundleError(`pdftoppm rendered ${blank.length} of ${count} pages`);
  const out: Array<{ content: Buffer; pages: number[] }> = [];
  for (const pages of lettersOf(blank)) {
    const letter = await PDFDocument.create();
    for (const page of await letter.copyPages(source, pages)) letter.addPage(page);
    out.push({ content: Buffer.from(await letter.save()), pages: pages.map((p) => p + 1) });
  }
  return out;
}
