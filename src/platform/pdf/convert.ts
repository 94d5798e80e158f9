/**
 * Converts an office document to PDF with LibreOffice headless (Debian `libreoffice-writer-nogui`,
 * installed by .ci/run). Each conversion runs in its own temp dir with its own LibreOffice profile,
 * so conversions can run side by side; the process is killed after `timeoutMs`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one error of conversion; `frenchMessage` can be shown as is. */
export class ConversionError extends Error {
  override name = 'ConversionError';
  constructor(
    /** A French sentence for the person who sent the file. */
    readonly frenchMessage: string,
    /** `soffice.missing`, `conversion.failed`, `conversion.timeout` or `conversion.unsupported`. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${frenchMessage}`, options);
  }
}

/** Extensions LibreOffice is asked to convert (text documents; spreadsheets and slides need the calc/impress packages). */
export const CONVERTIBLE_EXTENSIONS = [
  '.docx',
  '.doc',
  '.odt',
  '.fodt',
  '.rtf',
  '.txt',
  '.xlsx',
  '.xls',
  '.ods',
  '.pptx',
  '.ppt',
  '.odp',
] as const;

/**
 * Converts `bytes` (named `filename`, whose extension tells LibreOffice the format) to PDF.
 * Throws ConversionError with a French message when soffice is absent, the format is not one of
 * CONVERTIBLE_EXTENSIONS, the file cannot be converted, or it takes longer than `timeoutMs`
 * (default 60 000).
 */
export async function convertToPdf(
  bytes: Uint8Array,
  filename: string,
  opts?: { sofficePath?: string; timeoutMs?: number },
): Promise<Uint8Array> {
  const ext = extname(filename).toLowerCase();
  if (!(CONVERTIBLE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new ConversionError(
      `Le format du fichier « ${filename} » ne peut pas être converti en PDF. Formats acceptés : ${CONVERTIBLE_EXTENSIONS.join(', ')}.`,
      'conversion.unsupported',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'guichet-convert-'));
  try {
    const input = join(dir, `document${ext}`);
    await writeFile(input, bytes);
    const outdir = join(dir, 'out');
    const args = [
      `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
      '--headless',
      '--norestore',
      '--nolockcheck',
      '--nodefault',
      '--convert-to',
      'pdf',
      '--outdir',
      outdir,
      input,
    ];
    const timeout = opts?.timeoutMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      execFile(opts?.sofficePath ?? 'soffice', args, { timeout, killSignal: 'SIGKILL' }, (error) => {
        if (!error) return resolve();
        const e = error as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT' || e.code === 'EACCES') {
          reject(
            new ConversionError(
              'La conversion en PDF n’est pas disponible sur ce serveur (LibreOffice n’est pas installé). Déposez directement un fichier PDF.',
              'soffice.missing',
              { cause: error },
            ),
          );
        } else if (e.killed) {
          reject(
            new ConversionError(
              'La conversion en PDF a pris trop de temps et a été interrompue.',
              'conversion.timeout',
              { cause: error },
            ),
          );
        } else {
          reject(failed(filename, error));
        }
      });
    });
    let pdf: Buffer;
    try {
      pdf = await readFile(join(outdir, 'document.pdf'));
    } catch (cause) {
      throw failed(filename, cause);
    }
    if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw failed(filename);
    return new Uint8Array(pdf);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function failed(filename: string, cause?: unknown): ConversionError {
  return new ConversionError(
    `Le fichier « ${filename} » n’a pas pu être converti en PDF : il est peut-être endommagé ou dans un format non pris en charge.`,
    'conversion.failed',
    { cause },
  );
}
