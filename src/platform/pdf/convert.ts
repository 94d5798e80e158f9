/** Converts an office document to PDF with LibreOffice headless. */
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

/**
 * Converts `bytes` (named `filename`, whose extension tells LibreOffice the format) to PDF.
 * Throws ConversionError with a French message when soffice is absent, the file cannot be
 * converted, or it takes longer than `timeoutMs` (default 60 000).
 */
export async function convertToPdf(
  _bytes: Uint8Array,
  _filename: string,
  _opts?: { sofficePath?: string; timeoutMs?: number },
): Promise<Uint8Array> {
  throw new Error('not implemented yet');
}
