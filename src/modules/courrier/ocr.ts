/**
 * Reading scans offline (decision 0039): Debian's `tesseract` with the French model
 * (`tesseract-ocr-fra`) on each image, and on each page of a PDF rendered by poppler's
 * `pdftoppm` at 300 dpi (its page count from `pdfinfo`). Nothing leaves the server. A missing
 * program is an `OcrUnavailableError` (the mail's page says so in French), not a crash.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface OcrCommands {
  tesseract: string;
  pdftoppm: string;
  pdfinfo: string;
}

export const DEFAULT_OCR_COMMANDS: OcrCommands = { tesseract: 'tesseract', pdftoppm: 'pdftoppm', pdfinfo: 'pdfinfo' };

const PAGE_TIMEOUT_MS = 120_000;
/** Pages read per document at most (a 200-page bundle is not one letter). */
export const MAX_OCR_PAGES = 30;

export class OcrUnavailableError extends Error {
  constructor(readonly program: string) {
    super(`${program} is not installed`);
  }
}

export class OcrFailedError extends Error {}

function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      // One thread: the worker shares the machine with the web process (as fast here, measured).
      {
        timeout: PAGE_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      },
      (error, stdout, stderr) => {
        if (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new OcrUnavailableError(program));
          else reject(new OcrFailedError(`${program}: ${String(stderr || error.message).slice(0, 300)}`));
          return;
        }
        resolve(stdout);
      },
    );
  });
}

/** How many pages a stored file has to read: its PDF pages (at most MAX_OCR_PAGES), else one image. */
export async function pageCount(file: string, mimeType: string, commands = DEFAULT_OCR_COMMANDS): Promise<number> {
  if (mimeType !== 'application/pdf') return 1;
  const info = await run(commands.pdfinfo, [file]);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? '0');
  if (!pages) throw new OcrFailedError('pdfinfo: no page count');
  return Math.min(pages, MAX_OCR_PAGES);
}

/** The text of one page (1-based) of a file: tesseract in French on the image, or on the PDF page rendered. */
export async function readPage(
  file: string,
  mimeType: string,
  page: number,
  workdir: string,
  commands = DEFAULT_OCR_COMMANDS,
): Promise<string> {
  let image = file;
  if (mimeType === 'application/pdf') {
    const prefix = path.join(workdir, `page-${page}`);
    await run(commands.pdftoppm, [
      '-r',
      '300',
      '-gray',
      '-png',
      '-singlefile',
      '-f',
      String(page),
      '-l',
      String(page),
      file,
      prefix,
    ]);
    image = `${prefix}.png`;
  }
  const text = await run(commands.tesseract, [image, 'stdout', '-l', 'fra', '--psm', '3']);
  return text
    .replace(/\f/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A private temporary folder for one job, removed afterwards. */
export async function withWorkdir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'guichet-ocr-'));
  try {
    return await work(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export const OCR_UNAVAILABLE_MESSAGE =
  'La lecture automatique n’est pas installée sur ce serveur (paquets Debian tesseract-ocr et tesseract-ocr-fra, poppler-utils). Le courrier reste consultable, mais son texte n’est pas lu ni recherché.';

/**
 * The text layer of a PDF (poppler's `pdftotext`, first pages), '' when it has none — a scan
 * saved as PDF — or when the program is missing: then the OCR job reads it like a scan.
 */
export async function pdfTextLayer(content: Buffer, commands: { pdftotext: string } = { pdftotext: 'pdftotext' }) {
  return withWorkdir(async (dir) => {
    const file = path.join(dir, 'piece.pdf');
    await fs.writeFile(file, content);
    try {
      return (await run(commands.pdftotext, ['-l', String(MAX_OCR_PAGES), '-enc', 'UTF-8', file, '-'])).trim();
    } catch {
      return '';
    }
  });
}
